// Entry point of the `tokrec` binary: parses flags with CLI11 and dispatches
// to the chosen subcommand. Usage errors print one line and exit 2.
#include <malloc.h>

#include <cstdio>
#include <iostream>
#include <utility>
#include <vector>

#include "commands.h"

namespace tokrec::cli {

int report_error(const std::string& command, const Status& status) {
  std::string msg = status.message();
  for (char& c : msg)
    if (c == '\n') c = ' ';
  std::cerr << "tokrec " << command << ": error: " << msg << "\n";
  return 1;
}

}  // namespace tokrec::cli

// OpenBLAS (pthreads build) starts its worker threads when the library loads,
// and an idle worker spins on sched_yield for about 0.1 s before it sleeps:
// on a 2-core machine that takes most of a core from every short command
// (measured: 18% of a `tokrec tfidf` run). Stopping the workers at start-up is
// safe: OpenBLAS starts them again on its next multi-threaded call. Weak, so
// that a BLAS without this entry point still links and runs.
extern "C" int blas_thread_shutdown_(void) __attribute__((weak));

// Batch commands allocate and free buffers of 100 KB to a few MB per chunk
// on several threads. glibc serves those with mmap/munmap until its dynamic
// threshold catches up, and every munmap in a multi-threaded process
// interrupts the other cores to flush their TLBs; trimming the heap does the
// same. Keeping such buffers in the heap made `tokrec tokenize` 10-15%
// faster on 1 and on 2 threads (14 MB corpus). The process is short-lived,
// so memory kept in the heap is given back at exit.
void tune_malloc() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

int main(int argc, char** argv) {
  tune_malloc();
  if (blas_thread_shutdown_ != nullptr) blas_thread_shutdown_();
  CLI::App app{
      "tokrec: LLM-token features for recommenders.\n"
      "Text -> clean -> tokenize (WordPiece ...) -> TF-IDF / word vectors -> recommend -> evaluate.",
      "tokrec"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tokrec 0.1.0");
  app.footer("Run `tokrec <command> --help` for the flags of one command.\n");

  std::vector<std::pair<CLI::App*, tokrec::cli::Action>> actions;
  auto add = [&](tokrec::cli::Action (*adder)(CLI::App&)) {
    size_t before = app.get_subcommands({}).size();
    tokrec::cli::Action action = adder(app);
    auto subs = app.get_subcommands({});
    if (subs.size() > before) actions.emplace_back(subs.back(), std::move(action));
  };
  add(&tokrec::cli::add_tokenize);
  add(&tokrec::cli::add_similar);
  add(&tokrec::cli::add_evaluate);
  add(&tokrec::cli::add_run);
  add(&tokrec::cli::add_tune);
  add(&tokrec::cli::add_segment);
  add(&tokrec::cli::add_keywords);
  add(&tokrec::cli::add_tfidf);
  add(&tokrec::cli::add_features);
  add(&tokrec::cli::add_embed);
  add(&tokrec::cli::add_tokenizer_info);
  add(&tokrec::cli::add_detokenize);

  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const auto& [sub, action] : actions) known |= sub->get_name() == argv[1];
    if (!known) {
      std::cerr << "tokrec: error: unknown command '" << argv[1]
                << "' (see `tokrec --help` for the list)\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    // CLI11 throws CallForHelp from the subcommand too; print that subcommand's help.
    std::string what = e.what();
    std::cerr << "tokrec: error: " << (what.empty() ? e.get_name() : what)
              << " (see `tokrec --help`)\n";
    return 2;
  }
  for (auto& [sub, action] : actions) {
    if (sub->parsed()) {
      try {
        return action();
      } catch (const std::exception& e) {
        // A bug, not a user error: still one line, never an abort.
        std::cerr << "tokrec " << sub->get_name() << ": internal error: " << e.what() << "\n";
        return 3;
      }
    }
  }
  std::cerr << "tokrec: error: no command given (see `tokrec --help`)\n";
  return 2;
}
