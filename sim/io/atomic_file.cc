#include "sim/io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

namespace essim::io {
namespace fs = std::filesystem;

AtomicFileSet::AtomicFileSet(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create output folder \"{}\": {}", dir_, ec.message()));
}

AtomicFileSet::~AtomicFileSet() {
  for (const auto& [tmp, final_path] : pending_) {
    std::error_code ec;
    fs::remove(tmp, ec);
  }
}

void AtomicFileSet::Write(const std::string& name, std::string_view contents) {
  WriteWith(name, [&](const std::function<void(std::string_view)>& append) { append(contents); });
}

void AtomicFileSet::WriteWith(const std::string& name,
                              const std::function<void(const std::function<void(std::string_view)>&)>& fill) {
  const std::string final_path = (fs::path(dir_) / name).string();
  const std::string tmp = fmt::format("{}.tmp.{}", final_path, ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot write \"{}\": {}", tmp, std::strerror(errno)));
  pending_.emplace_back(tmp, final_path);
  const std::function<void(std::string_view)> append = [&](std::string_view piece) {
    std::size_t done = 0;
    while (done < piece.size()) {
      const ssize_t w = ::write(fd, piece.data() + done, piece.size() - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(fmt::format("cannot write \"{}\": {}", tmp, std::strerror(errno)));
      }
      done += static_cast<std::size_t>(w);
    }
  };
  try {
    fill(append);
  } catch (...) {
    ::close(fd);  // (the temporary file is removed with the uncommitted set)
    throw;
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    throw std::runtime_error(fmt::format("cannot write \"{}\": {}", tmp, std::strerror(errno)));
  }
}

void AtomicFileSet::Commit() {
  for (const auto& [tmp, final_path] : pending_) {
    std::error_code ec;
    fs::rename(tmp, final_path, ec);
    if (ec) throw std::runtime_error(fmt::format("cannot move \"{}\" into place: {}", final_path, ec.message()));
  }
  pending_.clear();
}

}  // namespace essim::io
