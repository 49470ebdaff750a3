#include "sim/io/yaml_loader.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace essim::io {
namespace fs = std::filesystem;
namespace {

SourceMark MarkOf(const std::string& file, const YAML::Mark& m, int line_offset = 0, int col_offset = 0) {
  return SourceMark{file, m.line + 1 + line_offset, m.column + 1 + col_offset};
}

struct Converter {
  std::string file;
  int line_offset = 0;
  int col_offset = 0;
  Diagnostics* diags;

  SourceMark Mark(const YAML::Mark& m) const { return MarkOf(file, m, line_offset, col_offset); }

  Node Convert(const YAML::Node& y, const std::string& path) {
    Node n;
    n.mark = Mark(y.Mark());
    switch (y.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        n.kind = Node::Kind::kNull;
        break;
      case YAML::NodeType::Scalar:
        n.kind = Node::Kind::kScalar;
        n.scalar = y.Scalar();
        break;
      case YAML::NodeType::Sequence: {
        n.kind = Node::Kind::kSequence;
        std::size_t i = 0;
        for (const auto& item : y) {
          n.items.push_back(Convert(item, fmt::format("{}[{}]", path, i)));
          ++i;
        }
        break;
      }
      case YAML::NodeType::Map: {
        n.kind = Node::Kind::kMap;
        for (const auto& kv : y) {
          const SourceMark km = Mark(kv.first.Mark());
          if (!kv.first.IsScalar()) {
            diags->Add(km, path, "expected a plain key, found a complex key");
            continue;
          }
          const std::string key = kv.first.Scalar();
          const std::string child = path.empty() ? key : path + "." + key;
          if (const MapEntry* first = n.FindEntry(key)) {
            diags->Add(km, child, fmt::format("duplicate key \"{}\" (first defined at line {})", key, first->key_mark.line));
            continue;
          }
          n.entries.push_back(MapEntry{key, km, Convert(kv.second, child)});
        }
        break;
      }
    }
    return n;
  }
};

// Keys that are alternatives to each other: setting one in an overlay removes the
// other inherited from a base (e.g. a scenario giving `duration` over a base's `end`).
void DropReplacedAlternatives(Node* merged, const Node& overlay) {
  struct Group {
    const char* section;
    const char* a;
    const char* b;
  };
  static constexpr Group kGroups[] = {{"time", "end", "duration"}};
  for (const auto& g : kGroups) {
    const Node* o = overlay.Find(g.section);
    Node* m = merged->Find(g.section);
    if (!o || !m || !o->IsMap() || !m->IsMap()) continue;
    const bool has_a = o->Find(g.a) != nullptr, has_b = o->Find(g.b) != nullptr;
    if (has_a == has_b) continue;
    const std::string drop = has_a ? g.b : g.a;
    std::erase_if(m->entries, [&](const MapEntry& e) { return e.key == drop; });
  }
}

bool ReadText(const std::string& path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *text = ss.str();
  return true;
}

std::optional<Node> LoadRecursive(const std::string& path, std::vector<std::string>* stack,
                                  const SourceMark& from, SourceSet* sources, Diagnostics* diags) {
  std::error_code ec;
  const fs::path canon = fs::weakly_canonical(fs::path(path), ec);
  const std::string key = ec ? path : canon.string();
  for (std::size_t i = 0; i < stack->size(); ++i) {
    if ((*stack)[i] == key) {
      std::string chain;
      std::error_code e3;
      for (std::size_t j = i; j < stack->size(); ++j) chain += fs::relative((*stack)[j], e3).string() + " -> ";
      diags->Add(from, "extends", fmt::format("expected a file that does not extend itself, found a cycle: {}{}", chain,
                                              fs::relative(key, e3).string()));
      return std::nullopt;
    }
  }
  std::string text;
  if (!ReadText(path, &text)) {
    std::error_code e2;
    const bool is_dir = fs::is_directory(path, e2);
    diags->Add(from, from.file.empty() ? "" : "extends",
               fmt::format("cannot read scenario file \"{}\": {}", path, is_dir ? "it is a directory" : "no such file or not readable"));
    return std::nullopt;
  }
  std::optional<Node> doc = ParseYaml(path, text, sources, diags);
  if (!doc) return std::nullopt;
  if (!doc->IsMap()) {
    diags->Add(doc->mark, "", fmt::format("expected a mapping of scenario sections at the top level, found {}", doc->Describe()));
    return std::nullopt;
  }
  const MapEntry* ext = doc->FindEntry("extends");
  if (!ext) return doc;
  if (!ext->value.IsScalar() || ext->value.scalar.empty()) {
    diags->Add(ext->value.mark, "extends", fmt::format("expected a path to a scenario file, found {}", ext->value.Describe()));
    return std::nullopt;
  }
  const fs::path base_path = fs::path(path).parent_path() / ext->value.scalar;
  stack->push_back(key);
  std::optional<Node> base = LoadRecursive(base_path.lexically_normal().string(), stack, ext->value.mark, sources, diags);
  stack->pop_back();
  if (!base) return std::nullopt;
  Node overlay = *doc;
  std::erase_if(overlay.entries, [](const MapEntry& e) { return e.key == "extends"; });
  Node merged = DeepMerge(*base, overlay);
  DropReplacedAlternatives(&merged, overlay);
  return merged;
}

}  // namespace

std::optional<Node> ParseYaml(const std::string& file, const std::string& text, SourceSet* sources,
                              Diagnostics* diags) {
  sources->Add(file, text);
  YAML::Node y;
  try {
    y = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    diags->Add(MarkOf(file, e.mark), "", fmt::format("invalid YAML: {}", e.msg));
    return std::nullopt;
  }
  if (y.IsNull()) {
    diags->Add(SourceMark{file, 1, 1}, "", "expected a scenario (a mapping of sections), found an empty document");
    return std::nullopt;
  }
  const std::size_t before = diags->size();
  Converter conv{file, 0, 0, diags};
  Node n = conv.Convert(y, "");
  (void)before;
  return n;
}

std::optional<Node> LoadDocument(const std::string& path, SourceSet* sources, Diagnostics* diags) {
  std::vector<std::string> stack;
  return LoadRecursive(path, &stack, SourceMark{path, 0, 0}, sources, diags);
}

Node DeepMerge(const Node& base, const Node& overlay) {
  if (!base.IsMap() || !overlay.IsMap()) return overlay;
  Node out = base;
  out.mark = overlay.mark;
  for (const auto& e : overlay.entries) {
    if (Node* existing = out.Find(e.key)) {
      *existing = DeepMerge(*existing, e.value);
    } else {
      out.entries.push_back(e);
    }
  }
  return out;
}

void ApplySet(Node* root, const std::string& assignment, int ordinal, SourceSet* sources, Diagnostics* diags) {
  const std::string file = fmt::format("--set #{}", ordinal);
  sources->Add(file, assignment);
  const std::size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    diags->Add(SourceMark{file, 1, 1}, "", fmt::format("expected KEY=VALUE, found \"{}\"", assignment));
    return;
  }
  const std::string key = assignment.substr(0, eq);
  const std::string value = assignment.substr(eq + 1);

  // Parse the value as YAML so lists and mappings can be given too.
  Node value_node;
  try {
    YAML::Node y = YAML::Load(value);
    Converter conv{file, 0, static_cast<int>(eq) + 1, diags};
    value_node = conv.Convert(y, key);
    value_node.mark = SourceMark{file, 1, static_cast<int>(eq) + 2};
  } catch (const YAML::Exception& e) {
    diags->Add(SourceMark{file, 1, static_cast<int>(eq) + 2 + e.mark.column}, key, fmt::format("invalid YAML value: {}", e.msg));
    return;
  }
  SetAtPath(root, key, SourceMark{file, 1, 1}, std::move(value_node), diags);
}

void SetAtPath(Node* root, const std::string& key, const SourceMark& key_mark, Node value_node, Diagnostics* diags) {
  const std::string& file = key_mark.file;
  // Walk the path: name(.name)*, each optionally followed by [index] or [name].
  Node* cur = root;
  std::string path;
  std::size_t p = 0;
  auto at = [&](std::size_t col) { return SourceMark{file, key_mark.line, key_mark.column + static_cast<int>(col)}; };
  auto fail = [&](std::size_t col, std::string msg) { diags->Add(at(col), path, std::move(msg)); };
  while (p < key.size()) {
    std::size_t end = key.find_first_of(".[", p);
    if (end == std::string::npos) end = key.size();
    const std::string name = key.substr(p, end - p);
    if (name.empty()) return fail(p, fmt::format("expected a key name in \"{}\"", key));
    path += (path.empty() ? "" : ".") + name;
    if (!cur->IsMap()) {
      if (!cur->IsNull()) return fail(p, fmt::format("expected a mapping to hold \"{}\", found {}", name, cur->Describe()));
      cur->kind = Node::Kind::kMap;
    }
    Node* next = cur->Find(name);
    if (!next) {
      cur->entries.push_back(MapEntry{name, at(p), Node{}});
      next = &cur->entries.back().value;
      next->mark = at(p);
    }
    cur = next;
    p = end;
    while (p < key.size() && key[p] == '[') {
      const std::size_t close = key.find(']', p);
      if (close == std::string::npos) return fail(p, fmt::format("expected \"]\" in \"{}\"", key));
      const std::string sel = key.substr(p + 1, close - p - 1);
      if (!cur->IsSequence()) return fail(p, fmt::format("expected a list to index with [{}], found {}", sel, cur->Describe()));
      const bool numeric = !sel.empty() && sel.find_first_not_of("0123456789") == std::string::npos;
      if (numeric) {
        const std::size_t idx = std::stoul(sel);
        if (idx >= cur->items.size()) {
          return fail(p, fmt::format("expected an index below {} (the list has {} items), found [{}]", cur->items.size(), cur->items.size(), sel));
        }
        cur = &cur->items[idx];
        path += "[" + sel + "]";
      } else {
        Node* found = nullptr;
        std::vector<std::string> names;
        for (auto& item : cur->items) {
          const Node* nm = item.IsMap() ? item.Find("name") : nullptr;
          if (nm && nm->IsScalar()) {
            names.push_back(nm->scalar);
            if (nm->scalar == sel) found = &item;
          }
        }
        if (!found) {
          std::string list;
          for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
          return fail(p, fmt::format("expected the name of a list item ({}), found \"{}\"", list, sel));
        }
        path += "[" + sel + "]";
        cur = found;
      }
      p = close + 1;
    }
    if (p < key.size()) {
      if (key[p] != '.') return fail(p, fmt::format("expected \".\" or \"[\" in \"{}\"", key));
      ++p;
      if (p == key.size()) return fail(p, fmt::format("expected a key name after \".\" in \"{}\"", key));
    }
  }
  *cur = value_node;
  // "--set time.duration=..." replaces an `end` from the file, as an overlay would.
  const std::size_t dot = key.find('.');
  if (dot != std::string::npos && key.find_first_of(".[", dot + 1) == std::string::npos) {
    MapEntry leaf;
    leaf.key = key.substr(dot + 1);
    leaf.value = std::move(value_node);
    MapEntry section;
    section.key = key.substr(0, dot);
    section.value.kind = Node::Kind::kMap;
    section.value.entries.push_back(std::move(leaf));
    Node overlay;
    overlay.kind = Node::Kind::kMap;
    overlay.entries.push_back(std::move(section));
    DropReplacedAlternatives(root, overlay);
  }
}

namespace {

void AppendCanonical(const Node& n, std::string* out) {
  switch (n.kind) {
    case Node::Kind::kNull:
      *out += "~";
      break;
    case Node::Kind::kScalar: {
      // Quote only when needed so plain values read as written ("500 MW").
      const bool plain = !n.scalar.empty() && n.scalar.find_first_of(",:[]{}\"'#&*!|>%@`\n") == std::string::npos &&
                         n.scalar.front() != ' ' && n.scalar.back() != ' ' && n.scalar.front() != '-';
      if (plain) {
        *out += n.scalar;
      } else {
        *out += '"';
        for (char c : n.scalar) {
          if (c == '"' || c == '\\') *out += '\\';
          if (c == '\n') {
            *out += "\\n";
            continue;
          }
          *out += c;
        }
        *out += '"';
      }
      break;
    }
    case Node::Kind::kSequence:
      *out += '[';
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        if (i) *out += ", ";
        AppendCanonical(n.items[i], out);
      }
      *out += ']';
      break;
    case Node::Kind::kMap:
      *out += '{';
      for (std::size_t i = 0; i < n.entries.size(); ++i) {
        if (i) *out += ", ";
        *out += n.entries[i].key;
        *out += ": ";
        AppendCanonical(n.entries[i].value, out);
      }
      *out += '}';
      break;
  }
}

}  // namespace

std::string CanonicalText(const Node& node) {
  std::string out;
  AppendCanonical(node, &out);
  return out;
}

}  // namespace essim::io
