// The TOML job configuration shared by `tokrec run` and `tokrec tune`
// (keys: docs/run.md). Relative paths resolve against the config file's folder.
#pragma once

#include <toml++/toml.h>

#include <string>

#include "tokrec/core/status.h"
#include "tokrec/eval/experiment.h"

namespace tokrec::cli {

Result<toml::table> parse_config_file(const std::string& path);
// Strict: unknown sections or keys are errors naming them.
Result<eval::ExperimentConfig> config_from_table(const toml::table& root, const std::string& path);
// Apply "section.key=VALUE" (VALUE in TOML syntax: 3, 0.5, true, "text",
// ["a", "b"]) to the table, creating the section when needed.
Status apply_override(toml::table& root, const std::string& assignment);
// The effective configuration as JSON (echoed into report.json).
std::string config_json(const eval::ExperimentConfig& config, const std::string& path);

}  // namespace tokrec::cli
