#include "sim/io/tree.h"

#include <algorithm>

#include <fmt/format.h>

namespace essim::io {

const MapEntry* Node::FindEntry(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

const Node* Node::Find(std::string_view key) const {
  const MapEntry* e = FindEntry(key);
  return e ? &e->value : nullptr;
}

Node* Node::Find(std::string_view key) {
  for (auto& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

std::string Node::Describe() const {
  switch (kind) {
    case Kind::kNull: return "nothing (null)";
    case Kind::kScalar: return fmt::format("\"{}\"", scalar);
    case Kind::kSequence: return fmt::format("a list of {}", items.size());
    case Kind::kMap: return "a mapping";
  }
  return "";
}

void SourceSet::Add(const std::string& file, std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  lines_[file] = std::move(lines);
}

std::string_view SourceSet::Line(const std::string& file, int line) const {
  auto it = lines_.find(file);
  if (it == lines_.end() || line < 1 || static_cast<std::size_t>(line) > it->second.size()) return {};
  return it->second[static_cast<std::size_t>(line - 1)];
}

void Diagnostics::Add(const SourceMark& mark, std::string key_path, std::string message) {
  items_.push_back(Diagnostic{mark, std::move(key_path), std::move(message)});
}

std::string Diagnostics::Render(const SourceSet& sources) const {
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.mark.file != b.mark.file) return a.mark.file < b.mark.file;
    if (a.mark.line != b.mark.line) return a.mark.line < b.mark.line;
    return a.mark.column < b.mark.column;
  });
  std::string out;
  for (const auto& d : sorted) {
    out += FormatDiagnosticHead(d);
    out += '\n';
    const std::string_view line = sources.Line(d.mark.file, d.mark.line);
    if (!line.empty()) {
      const std::string num = fmt::format("{:>5}", d.mark.line);
      out += fmt::format("{} | {}\n", num, line);
      out += fmt::format("{} | {}^\n", std::string(num.size(), ' '),
                         std::string(static_cast<std::size_t>(std::max(0, d.mark.column - 1)), ' '));
    }
  }
  if (sorted.size() > 1) out += fmt::format("{} problems found\n", sorted.size());
  return out;
}

void Diagnostics::ThrowIfAny(const SourceSet& sources) const {
  if (!items_.empty()) throw ScenarioError(items_, Render(sources));
}

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string Nearest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  int best_d = 3;
  for (const auto& c : candidates) {
    const int d = EditDistance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace essim::io
