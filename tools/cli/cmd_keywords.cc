// tokrec keywords: jieba.analyse TF-IDF or TextRank keywords of each input
// line. One output line per input line; keywords joined by one space,
// word:weight with --with-weight.
#include <charconv>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "commands.h"
#include "line_io.h"
#include "tokrec/io/file.h"
#include "tokrec/segment/keywords.h"

namespace tokrec::cli {
namespace {

struct KeywordsArgs {
  std::string method = "tfidf";
  size_t topk = 20;
  bool with_weight = false;
  std::string allow_pos;
  std::string idf;
  std::string stop_words;
  std::string dict;
  std::vector<std::string> user_dicts;
  std::string data_dir;
  std::string input = "-";
  std::string output = "-";
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

int run_keywords(const KeywordsArgs& a) {
  const std::string cmd = "keywords";
  if (a.method != "tfidf" && a.method != "textrank")
    return report_error(cmd, Status::invalid_argument("unknown --method '" + a.method + "' (expected tfidf or textrank)"));
  std::string dir = a.data_dir.empty() ? segment::default_jieba_dir() : a.data_dir;
  if (dir.empty())
    return report_error(cmd, Status::not_found("jieba data not found: give --data-dir or run scripts/fetch-data.sh"));
  segment::SegmenterOptions opts = segment::SegmenterOptions::from_dir(dir);
  if (!a.dict.empty()) opts.dict_path = a.dict;
  opts.user_dict_paths = a.user_dicts;
  auto seg = segment::Segmenter::load(opts);
  if (!seg.is_ok()) return report_error(cmd, seg.status());
  auto tagger = segment::PosTagger::load(*seg, dir + "/posseg");
  if (!tagger.is_ok()) return report_error(cmd, tagger.status());
  std::string idf = a.idf;
  if (idf.empty()) idf = io::file_exists(dir + "/idf.txt") ? dir + "/idf.txt" : dir + "/analyse/idf.txt";
  auto kx = segment::KeywordExtractor::load(*tagger, idf);
  if (!kx.is_ok()) return report_error(cmd, kx.status());
  std::shared_ptr<const segment::KeywordExtractor> extractor = *kx;
  if (!a.stop_words.empty()) {
    auto lines = io::read_lines(a.stop_words);
    if (!lines.is_ok()) return report_error(cmd, lines.status());
    extractor = extractor->with_stop_words(std::unordered_set<std::string>(lines->begin(), lines->end()));
  }
  std::vector<std::string> allow = split_list(a.allow_pos);
  if (a.method == "textrank" && a.allow_pos.empty()) allow = {"ns", "n", "vn", "v"};

  return map_lines(cmd, a.input, a.output, [&](const std::string& line, std::string& buf) -> Status {
    TOKREC_ASSIGN_OR_RETURN(auto kws, a.method == "tfidf" ? extractor->tfidf(line, a.topk, allow)
                                                          : extractor->textrank(line, a.topk, allow));
    for (size_t i = 0; i < kws.size(); ++i) {
      if (i) buf.push_back(' ');
      buf += kws[i].word;
      if (a.with_weight) {
        char num[32];
        auto r = std::to_chars(num, num + sizeof num, kws[i].weight);  // shortest round trip
        buf.push_back(':');
        buf.append(num, r.ptr);
      }
    }
    return Status::ok();
  });
}

}  // namespace

Action add_keywords(CLI::App& root) {
  auto args = std::make_shared<KeywordsArgs>();
  auto* cmd = root.add_subcommand("keywords", "Chinese keywords (jieba.analyse TF-IDF / TextRank)");
  cmd->add_option("--method", args->method, "tfidf | textrank")->capture_default_str();
  cmd->add_option("--topk", args->topk, "keywords per line (0 = all)")->capture_default_str();
  cmd->add_flag("--with-weight", args->with_weight, "print word:weight");
  cmd->add_option("--allow-pos", args->allow_pos,
                  "comma-separated POS tags to keep (textrank default: ns,n,vn,v)");
  cmd->add_option("--idf", args->idf, "idf file (default: jieba's idf.txt)");
  cmd->add_option("--stop-words", args->stop_words,
                  "stop-word file, one per line (replaces jieba.analyse's English list)");
  cmd->add_option("--dict", args->dict, "main dictionary (jieba dict.txt format)");
  cmd->add_option("--user-dict", args->user_dicts, "user dictionary (repeatable)");
  cmd->add_option("--data-dir", args->data_dir, "folder with dict.txt, idf.txt, finalseg/, posseg/");
  cmd->add_option("--input", args->input, "input file ('-' = stdin)")->capture_default_str();
  cmd->add_option("--output", args->output, "output file ('-' = stdout)")->capture_default_str();
  return [args] { return run_keywords(*args); };
}

}  // namespace tokrec::cli
