// The `tokrec` subcommands. Each cmd_<name>.cc adds its subcommand to the root
// app and returns the action to run when that subcommand was chosen.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "tokrec/core/status.h"

namespace tokrec::cli {

using Action = std::function<int()>;

Action add_tokenize(CLI::App& root);
Action add_similar(CLI::App& root);
Action add_evaluate(CLI::App& root);
Action add_run(CLI::App& root);
Action add_tune(CLI::App& root);
Action add_segment(CLI::App& root);
Action add_keywords(CLI::App& root);
Action add_tfidf(CLI::App& root);
Action add_features(CLI::App& root);
Action add_embed(CLI::App& root);
Action add_tokenizer_info(CLI::App& root);
Action add_detokenize(CLI::App& root);

// Print "tokrec <command>: error: <message>" on one line; returns the exit code 1.
int report_error(const std::string& command, const Status& status);

}  // namespace tokrec::cli
