// Replays python3-jieba 0.42.1 outputs (tests/golden/gen/gen_jieba.py) and
// asserts the thresholds: >= 99.9% identical lines per mode and for
// POS, >= 99% for keywords (same words, same order, weights to 1e-6
// relative). The exact match rates are printed.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokrec/io/file.h"
#include "tokrec/segment/keywords.h"
#include "tokrec/segment/pos_tagger.h"
#include "tokrec/segment/segmenter.h"

namespace tokrec::segment {
namespace {

using nlohmann::json;

const std::string kJieba = std::string(TOKREC_CACHE_DATA) + "/zh/jieba";
const std::string kGolden = std::string(TOKREC_GOLDEN_DIR) + "/jieba";

struct Models {
  std::shared_ptr<const Segmenter> seg;
  std::shared_ptr<const PosTagger> pos;
  std::shared_ptr<const KeywordExtractor> kw;
};

const Models* models() {
  static const Models* m = [] () -> const Models* {
    if (!io::file_exists(kJieba + "/dict.txt")) return nullptr;
    auto seg = Segmenter::load(SegmenterOptions::from_dir(kJieba));
    if (!seg.is_ok()) return nullptr;
    auto pos = PosTagger::load(*seg, kJieba + "/posseg");
    if (!pos.is_ok()) return nullptr;
    auto kw = KeywordExtractor::load(*pos, kJieba + "/idf.txt");
    if (!kw.is_ok()) return nullptr;
    return new Models{*seg, *pos, *kw};
  }();
  return m;
}

std::vector<json> read_jsonl(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

// Counts identical lines for one field and reports the first differences.
struct Tally {
  std::string name;
  size_t same = 0, total = 0, shown = 0;
  void add(bool ok, const std::string& text, const json& want, const json& got) {
    ++total;
    if (ok) {
      ++same;
    } else if (shown++ < 3) {
      ADD_FAILURE() << name << " differs on " << json(text).dump() << "\n  jieba:  " << want.dump()
                    << "\n  tokrec: " << got.dump();
    }
  }
  double rate() const { return total ? static_cast<double>(same) / static_cast<double>(total) : 1; }
  void report(double threshold) const {
    std::printf("[ rate     ] %-16s %zu/%zu identical = %.4f%%\n", name.c_str(), same, total, 100 * rate());
    EXPECT_GE(rate(), threshold) << name;
  }
};

json words_json(const std::vector<std::string>& w) { return json(w); }
json tagged_json(const std::vector<TaggedWord>& w) {
  json j = json::array();
  for (const auto& t : w) j.push_back({t.word, t.tag});
  return j;
}
bool same_keywords(const json& want, const std::vector<Keyword>& got) {
  if (want.size() != got.size()) return false;
  for (size_t i = 0; i < got.size(); ++i) {
    if (want[i][0].get<std::string>() != got[i].word) return false;
    double w = want[i][1].get<double>();
    if (std::fabs(w - got[i].weight) > 1e-6 * std::max(1e-300, std::fabs(w))) return false;
  }
  return true;
}
json keywords_json(const std::vector<Keyword>& k) {
  json j = json::array();
  for (const auto& x : k) j.push_back({x.word, x.weight});
  return j;
}

void check_records(const std::vector<json>& recs, const std::vector<std::string>& texts, bool heldout) {
  const Models* m = models();
  std::vector<Tally> t = {{"accurate"}, {"accurate_nohmm"}, {"full"},     {"search"},
                          {"search_nohmm"}, {"pos"},        {"pos_nohmm"}, {"tfidf"},
                          {"tfidf_pos"}, {"textrank"},      {"tokenize"},  {"tokenize_search"}};
  for (size_t i = 0; i < recs.size(); ++i) {
    const json& r = recs[i];
    const std::string& text = texts[i];
    auto cut = [&](Mode mode, bool hmm) { return words_json(m->seg->cut(text, mode, hmm).value()); };
    json got;
    got = cut(Mode::kAccurate, true);
    t[0].add(got == r["accurate"], text, r["accurate"], got);
    got = cut(Mode::kAccurate, false);
    t[1].add(got == r["accurate_nohmm"], text, r["accurate_nohmm"], got);
    got = cut(Mode::kFull, true);
    t[2].add(got == r["full"], text, r["full"], got);
    got = cut(Mode::kSearch, true);
    t[3].add(got == r["search"], text, r["search"], got);
    got = cut(Mode::kSearch, false);
    t[4].add(got == r["search_nohmm"], text, r["search_nohmm"], got);
    got = tagged_json(m->pos->cut(text, true).value());
    t[5].add(got == r["pos"], text, r["pos"], got);
    got = tagged_json(m->pos->cut(text, false).value());
    t[6].add(got == r["pos_nohmm"], text, r["pos_nohmm"], got);
    auto k = m->kw->tfidf(text, 20).value();
    t[7].add(same_keywords(r["tfidf"], k), text, r["tfidf"], keywords_json(k));
    k = m->kw->tfidf(text, 20, {"ns", "n", "vn", "v", "nr"}).value();
    t[8].add(same_keywords(r["tfidf_pos"], k), text, r["tfidf_pos"], keywords_json(k));
    k = m->kw->textrank(text, 20).value();
    t[9].add(same_keywords(r["textrank"], k), text, r["textrank"], keywords_json(k));
    if (heldout) {
      for (int s = 0; s < 2; ++s) {
        auto toks = m->seg->tokenize(text, s ? Mode::kSearch : Mode::kAccurate, true).value();
        json j = json::array();
        for (const auto& x : toks) {
          j.push_back({x.word, x.start, x.end});
          EXPECT_EQ(text.substr(x.byte_start, x.byte_end - x.byte_start), x.word);
        }
        const json& want = r[s ? "tokenize_search" : "tokenize"];
        t[10 + s].add(j == want, text, want, j);
      }
    }
  }
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].total == 0) continue;
    t[i].report(i >= 7 && i <= 9 ? 0.99 : 0.999);
  }
}

TEST(JiebaGolden, HeldOutText) {
  if (!models()) GTEST_SKIP() << "jieba data missing: run scripts/fetch-data.sh";
  auto recs = read_jsonl(kGolden + "/heldout.jsonl");
  ASSERT_GT(recs.size(), 400u);
  std::vector<std::string> texts;
  for (const auto& r : recs) texts.push_back(r["text"].get<std::string>());
  check_records(recs, texts, true);
}

TEST(JiebaGolden, SharedTestData) {
  if (!models()) GTEST_SKIP() << "jieba data missing: run scripts/fetch-data.sh";
  auto recs = read_jsonl(kGolden + "/shared.jsonl");
  ASSERT_GT(recs.size(), 100u);
  std::vector<std::string> texts;
  for (const auto& r : recs) {
    auto lines = io::read_lines(std::string(TOKREC_CACHE_DATA) + "/" + r["file"].get<std::string>());
    ASSERT_TRUE(lines.is_ok()) << lines.status().to_string();
    size_t n = r["line"].get<size_t>();
    ASSERT_LE(n, lines->size());
    texts.push_back((*lines)[n - 1]);
  }
  check_records(recs, texts, false);
}

// Dictionary edits replayed in gen_jieba.py's order.
TEST(JiebaGolden, UserDictionaryEdits) {
  const Models* m = models();
  if (!m) GTEST_SKIP() << "jieba data missing: run scripts/fetch-data.sh";
  auto seg = m->seg->load_user_dict(kGolden + "/user_dict.txt");
  ASSERT_TRUE(seg.is_ok()) << seg.status().to_string();
  seg = (*seg)->load_user_dict(std::string(TOKREC_CACHE_DATA) + "/zh/cppjieba/testdata/userdict.utf8");
  ASSERT_TRUE(seg.is_ok()) << seg.status().to_string();
  seg = (*seg)->add_word("推荐系统", std::nullopt, "n");
  seg = (*seg)->add_word("故宫博物院", 2000);
  seg = (*seg)->del_word("清华大学");
  auto f = (*seg)->suggest_freq(std::vector<std::string>{"中", "将"});
  ASSERT_TRUE(f.is_ok());
  seg = (*seg)->add_word("中将", *f);
  f = (*seg)->suggest_freq("台中");
  ASSERT_TRUE(f.is_ok());
  seg = (*seg)->add_word("台中", *f);
  ASSERT_TRUE(seg.is_ok());
  auto pos = m->pos->with_segmenter(*seg);
  // The original segmenter is untouched.
  EXPECT_EQ(m->seg->frequency("故宫博物院").value_or(-1) != 2000, true);

  std::vector<Tally> t = {{"user accurate"}, {"user nohmm"}, {"user full"}, {"user search"}, {"user pos"}};
  for (const auto& r : read_jsonl(kGolden + "/userdict.jsonl")) {
    std::string text = r["text"].get<std::string>();
    json got = words_json((*seg)->cut(text, Mode::kAccurate, true).value());
    t[0].add(got == r["accurate"], text, r["accurate"], got);
    got = words_json((*seg)->cut(text, Mode::kAccurate, false).value());
    t[1].add(got == r["accurate_nohmm"], text, r["accurate_nohmm"], got);
    got = words_json((*seg)->cut(text, Mode::kFull, true).value());
    t[2].add(got == r["full"], text, r["full"], got);
    got = words_json((*seg)->cut(text, Mode::kSearch, true).value());
    t[3].add(got == r["search"], text, r["search"], got);
    got = tagged_json(pos->cut(text, true).value());
    t[4].add(got == r["pos"], text, r["pos"], got);
  }
  for (const auto& x : t) x.report(0.999);
}

}  // namespace
}  // namespace tokrec::segment
