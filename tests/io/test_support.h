// Helpers for io tests: paths into the source tree and scratch folders.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace essim::test {

inline std::string Src(const std::string& rel) { return std::string(ESSIM_SOURCE_DIR) + "/" + rel; }

//! A fresh scratch folder under the system temp dir, removed on destruction.
class Scratch {
 public:
  explicit Scratch(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() / ("essim-test-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string Path(const std::string& rel) const { return (dir_ / rel).string(); }
  std::string Write(const std::string& rel, const std::string& text) const {
    const std::string p = Path(rel);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p) << text;
    return p;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace essim::test
