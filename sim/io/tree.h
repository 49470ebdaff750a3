// A scenario document as a tree whose every node keeps its source mark, plus the
// diagnostics collector that renders "file:line:col: key: message" with a caret.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/error.h"

namespace essim::io {

struct MapEntry;

//! A YAML node with its origin. Maps keep their keys in file order.
struct Node {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  std::string scalar;              //!< text of a scalar
  std::vector<Node> items;         //!< sequence items
  std::vector<MapEntry> entries;   //!< map entries
  SourceMark mark;                 //!< where the value starts

  bool IsMap() const { return kind == Kind::kMap; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsNull() const { return kind == Kind::kNull; }
  const Node* Find(std::string_view key) const;
  Node* Find(std::string_view key);
  const MapEntry* FindEntry(std::string_view key) const;
  //! A short description of what the node is, for "found ..." messages.
  std::string Describe() const;
};

struct MapEntry {
  std::string key;
  SourceMark key_mark;
  Node value;
};

//! The texts of the files a scenario came from (for source excerpts in messages).
class SourceSet {
 public:
  void Add(const std::string& file, std::string_view text);
  //! Line (1-based) of a source, or empty.
  std::string_view Line(const std::string& file, int line) const;

 private:
  std::map<std::string, std::vector<std::string>> lines_;
};

//! Collects problems in one pass; renders them sorted by file and line.
class Diagnostics {
 public:
  void Add(const SourceMark& mark, std::string key_path, std::string message);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  //! Renders every problem with its source line and a caret.
  std::string Render(const SourceSet& sources) const;
  //! Throws ScenarioError when there is any problem.
  void ThrowIfAny(const SourceSet& sources) const;

 private:
  std::vector<Diagnostic> items_;
};

//! Levenshtein distance (for "did you mean").
int EditDistance(std::string_view a, std::string_view b);
//! The nearest candidate within distance 2, or empty.
std::string Nearest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace essim::io
