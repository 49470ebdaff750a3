// The scenario schema: every YAML key of a scenario, declared once.
#pragma once

#include <string_view>
#include <vector>

#include "sim/io/reader.h"

namespace essim::io {

//! All sections in documentation order.
const std::vector<Section>& ScenarioSections();
//! The section documented at `path` (e.g. "storage.phases[]"); throws if unknown.
const Section& SectionAt(std::string_view path);

}  // namespace essim::io
