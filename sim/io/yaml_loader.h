// Loading scenario documents: YAML -> Node with marks, `extends:` (deep merge, this
// file wins, lists replaced whole, cycles rejected) and `--set KEY=VALUE` overrides.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/io/tree.h"

namespace essim::io {

//! Parses YAML text into a Node; syntax errors, duplicate keys and an empty document
//! are reported into `diags` (returns nullopt when the document is unusable).
std::optional<Node> ParseYaml(const std::string& file, const std::string& text, SourceSet* sources,
                              Diagnostics* diags);

//! Loads a file and everything it extends, merged. Problems go to `diags`.
std::optional<Node> LoadDocument(const std::string& path, SourceSet* sources, Diagnostics* diags);

//! Deep merge: maps merge key by key (overlay wins), everything else is replaced.
Node DeepMerge(const Node& base, const Node& overlay);

//! Applies one "KEY=VALUE" override (KEY: dotted path with [index] or [name]).
//! `ordinal` numbers the override for its source mark ("--set #1").
void ApplySet(Node* root, const std::string& assignment, int ordinal, SourceSet* sources,
              Diagnostics* diags);

//! Sets the value at a dotted KEY (as ApplySet) to a parsed node; problems with the key are
//! reported at `key_mark` plus the column of the offending part.
void SetAtPath(Node* root, const std::string& key, const SourceMark& key_mark, Node value, Diagnostics* diags);

//! One-line flow-style YAML of a node (marks dropped): equal trees give equal text.
std::string CanonicalText(const Node& node);

}  // namespace essim::io
