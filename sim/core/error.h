// Errors users see: a location in a source (file, line, column), a key path and a
// message; a ScenarioError carries all problems found in one pass.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace essim {

//! Where a value came from: a file (or "--set #k") with 1-based line and column.
struct SourceMark {
  std::string file;  //!< path as the user wrote or resolved it; empty when unknown
  int line = 0;      //!< 1-based; 0 when unknown
  int column = 0;    //!< 1-based; 0 when unknown
};

//! One problem in a scenario: where, which key, and "expected ..., found ..." text.
struct Diagnostic {
  SourceMark mark;
  std::string key_path;  //!< e.g. "storage.phases[1].energy"; empty for whole-file problems
  std::string message;
};

//! Invalid input: thrown before any simulation work, never for numerical outcomes.
class ScenarioError : public std::runtime_error {
 public:
  //! `rendered` is the full human text (with source lines and carets).
  ScenarioError(std::vector<Diagnostic> diagnostics, const std::string& rendered)
      : std::runtime_error(rendered), diagnostics_(std::move(diagnostics)) {}
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

//! Formats "file:line:col: key.path: message" (without the source excerpt).
std::string FormatDiagnosticHead(const Diagnostic& d);

}  // namespace essim
