// tokrec segment: jieba segmentation (or POS tagging) of each input line.
// One output line per input line; words joined by one space; word/tag with
// --pos; empty and whitespace-only words are not printed.
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "line_io.h"
#include "tokrec/io/file.h"
#include "tokrec/segment/pos_tagger.h"
#include "tokrec/segment/segmenter.h"

namespace tokrec::cli {
namespace {

struct SegmentArgs {
  std::string mode = "accurate";
  bool no_hmm = false;
  bool pos = false;
  std::string dict;
  std::vector<std::string> user_dicts;
  std::string data_dir;
  std::string input = "-";
  std::string output = "-";
};

int run_segment(const SegmentArgs& a) {
  const std::string cmd = "segment";
  auto mode = segment::parse_mode(a.mode);
  if (!mode.is_ok()) return report_error(cmd, mode.status());
  if (a.pos && *mode != segment::Mode::kAccurate)
    return report_error(cmd, Status::invalid_argument("--pos works in accurate mode only (as jieba.posseg)"));
  std::string dir = a.data_dir.empty() ? segment::default_jieba_dir() : a.data_dir;
  if (dir.empty() && a.dict.empty())
    return report_error(cmd, Status::not_found("jieba data not found: give --data-dir or --dict, or run scripts/fetch-data.sh"));
  segment::SegmenterOptions opts = segment::SegmenterOptions::from_dir(dir);
  if (!a.dict.empty()) opts.dict_path = a.dict;
  if (dir.empty()) opts.hmm_dir.clear();
  opts.user_dict_paths = a.user_dicts;
  auto seg = segment::Segmenter::load(opts);
  if (!seg.is_ok()) return report_error(cmd, seg.status());
  std::shared_ptr<const segment::PosTagger> tagger;
  if (a.pos) {
    if (dir.empty()) return report_error(cmd, Status::not_found("--pos needs the posseg tables (--data-dir)"));
    auto t = segment::PosTagger::load(*seg, dir + "/posseg");
    if (!t.is_ok()) return report_error(cmd, t.status());
    tagger = *t;
  }
  return map_lines(cmd, a.input, a.output, [&](const std::string& line, std::string& buf) -> Status {
    auto put = [&](const std::string& w) {
      if (!buf.empty()) buf.push_back(' ');
      buf += w;
    };
    if (tagger) {
      TOKREC_ASSIGN_OR_RETURN(auto words, tagger->cut(line, !a.no_hmm));
      for (const auto& w : words)
        if (!segment::is_blank(w.word)) put(w.word + "/" + w.tag);
    } else {
      TOKREC_ASSIGN_OR_RETURN(auto words, (*seg)->cut(line, *mode, !a.no_hmm));
      for (const auto& w : words)
        if (!segment::is_blank(w)) put(w);
    }
    return Status::ok();
  });
}

}  // namespace

Action add_segment(CLI::App& root) {
  auto args = std::make_shared<SegmentArgs>();
  auto* cmd = root.add_subcommand("segment", "Chinese word segmentation (jieba 0.42.1 semantics)");
  cmd->add_option("--mode", args->mode, "accurate | full | search")->capture_default_str();
  cmd->add_flag("--no-hmm", args->no_hmm, "no HMM for unknown words");
  cmd->add_flag("--pos", args->pos, "print word/tag (jieba.posseg)");
  cmd->add_option("--dict", args->dict, "main dictionary (jieba dict.txt format)");
  cmd->add_option("--user-dict", args->user_dicts, "user dictionary (repeatable)");
  cmd->add_option("--data-dir", args->data_dir,
                  "folder with dict.txt, finalseg/, posseg/ (default: $TOKREC_JIEBA_DIR, data cache, python3-jieba)");
  cmd->add_option("--input", args->input, "input file ('-' = stdin)")->capture_default_str();
  cmd->add_option("--output", args->output, "output file ('-' = stdout)")->capture_default_str();
  return [args] { return run_segment(*args); };
}

}  // namespace tokrec::cli
