// Atomic output: files are written to a temporary name in the destination folder and
// renamed into place only when every file of a run is complete.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace essim::io {

//! Collects the files of one run; Commit() renames them all into place. Destroying an
//! uncommitted set removes its temporary files, leaving earlier outputs untouched.
class AtomicFileSet {
 public:
  explicit AtomicFileSet(std::string dir);
  ~AtomicFileSet();
  AtomicFileSet(const AtomicFileSet&) = delete;
  AtomicFileSet& operator=(const AtomicFileSet&) = delete;

  //! Writes `contents` to a temporary file for `name` (flushed and synced); throws on error.
  void Write(const std::string& name, std::string_view contents);
  //! The same for contents made piece by piece: `fill` is called once with a function that
  //! appends a piece to the file (a large output need not be held whole in memory).
  void WriteWith(const std::string& name, const std::function<void(const std::function<void(std::string_view)>&)>& fill);
  //! Renames every written file into place.
  void Commit();
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::vector<std::pair<std::string, std::string>> pending_;  // temp path, final path
};

}  // namespace essim::io
