#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "tokrec/rec/dataset.h"
#include "tokrec/rec/loaders.h"
#include "tokrec/rec/split.h"

namespace tokrec::rec {
namespace {

namespace fs = std::filesystem;

std::string temp_file(const std::string& name, const std::string& content) {
  fs::path p = fs::temp_directory_path() / ("tokrec_test_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

// Users u0..u{n-1}; user u rates items u..u+9 at times 100*j + u (newest = highest j), all positive.
Dataset timed(size_t users) {
  Dataset d;
  for (size_t u = 0; u < users; ++u) {
    int32_t user = d.users.add("u" + std::to_string(u));
    for (int j = 0; j < 10; ++j) {
      int32_t item = d.items.add("i" + std::to_string(u + static_cast<size_t>(j)));
      d.interactions.push_back({user, item, 5.0, static_cast<int64_t>(100 * static_cast<size_t>(j) + u)});
    }
  }
  d.item_titles.resize(d.items.size());
  d.item_genres.resize(d.items.size());
  d.item_tags.resize(d.items.size());
  return d;
}

TEST(Loaders, CsvTsvAndJsonlGiveTheSameDataset) {
  auto csv = temp_file("a.csv", "user,item,rating,timestamp\nu1,i1,4.5,10\nu2,i1,3,11\nu1,i2,5,12\n");
  auto tsv = temp_file("a.tsv", "user\titem\trating\ttimestamp\nu1\ti1\t4.5\t10\nu2\ti1\t3\t11\nu1\ti2\t5\t12\n");
  auto jsonl = temp_file("a.jsonl",
                         "{\"user\": \"u1\", \"item\": \"i1\", \"rating\": 4.5, \"timestamp\": 10}\n"
                         "{\"user\": \"u2\", \"item\": \"i1\", \"rating\": 3, \"timestamp\": 11}\n"
                         "{\"user\": \"u1\", \"item\": \"i2\", \"rating\": 5, \"timestamp\": 12}\n");
  for (const auto& path : {csv, tsv, jsonl}) {
    auto d = load_interactions(path);
    ASSERT_TRUE(d.is_ok()) << path << ": " << d.status().to_string();
    ASSERT_EQ(d->interactions.size(), 3u);
    EXPECT_EQ(d->users.size(), 2u);
    EXPECT_EQ(d->items.size(), 2u);
    EXPECT_DOUBLE_EQ(d->interactions[0].rating, 4.5);
    EXPECT_EQ(d->interactions[2].timestamp, 12);
    EXPECT_EQ(d->items.id(d->interactions[2].item), "i2");
  }
  auto bad = temp_file("bad.csv", "user,item,rating\nu1,i1,lots\n");
  auto r = load_interactions(bad);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("row 1"), std::string::npos);
  EXPECT_NE(r.status().message().find("lots"), std::string::npos);
  auto nocol = temp_file("nocol.csv", "who,what\nu1,i1\n");
  EXPECT_FALSE(load_interactions(nocol).is_ok());
}

TEST(Loaders, MovieLens100kLayoutWithLatin1Titles) {
  fs::path dir = fs::temp_directory_path() / ("tokrec_ml100k_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "u.data") << "196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t302\t5\t881250950\n";
  std::ofstream(dir / "u.genre") << "unknown|0\nAction|1\nComedy|2\n\n";
  // "Café" in Latin-1 is 43 61 66 E9.
  std::ofstream(dir / "u.item", std::ios::binary)
      << "242|Kolya (1996)|24-Jan-1997||http://x|0|0|1\n302|Caf\xE9 (1997)|01-Jan-1997||http://y|0|1|1\n";
  auto d = load_movielens_100k(dir.string());
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_EQ(d->interactions.size(), 3u);
  EXPECT_EQ(d->users.size(), 2u);
  int32_t cafe = d->items.find("302");
  ASSERT_GE(cafe, 0);
  EXPECT_EQ(d->item_titles[static_cast<size_t>(cafe)], "Caf\xC3\xA9 (1997)");
  EXPECT_EQ(d->item_genres[static_cast<size_t>(cafe)], "Action Comedy");
  fs::remove_all(dir);
}

TEST(Loaders, RecBoleAtomicFiles) {
  auto inter = temp_file("x.inter",
                         "user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t10\t4\t874965758\n2\t10\t2\t1\n");
  auto item = temp_file("x.item", "item_id:token\tmovie_title:token_seq\tgenre:token_seq\n10\tToy Story\tAnimation Comedy\n");
  auto d = load_recbole_atomic(inter, item);
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_EQ(d->interactions.size(), 2u);
  EXPECT_EQ(d->interactions[0].timestamp, 874965758);
  EXPECT_EQ(d->item_titles[0], "Toy Story");
  EXPECT_EQ(d->item_genres[0], "Animation Comedy");
}

TEST(Loaders, KCoreIsStable) {
  Dataset d;
  auto add = [&](const char* u, const char* i) { d.interactions.push_back({d.users.add(u), d.items.add(i), 1.0, 0}); };
  add("a", "x"); add("a", "y"); add("b", "x"); add("b", "y"); add("c", "x"); add("c", "z");
  // 2-core: z has 1 interaction -> dropped; then c has 1 -> dropped; then x has 2, y has 2.
  auto k = filter_k_core(d, 2, 2);
  EXPECT_EQ(k.interactions.size(), 4u);
  for (const auto& x : k.interactions) EXPECT_NE(k.users.id(x.user), "c");
}

TEST(Protocols, TemporalAndLeaveOneOutTakeTheNewest) {
  auto d = timed(5);
  auto loo = split_leave_one_out(d);
  ASSERT_TRUE(loo.is_ok());
  for (int32_t u : loo->users) {
    auto su = static_cast<size_t>(u);
    ASSERT_EQ(loo->test[su].size(), 1u);
    EXPECT_EQ(d.items.id(loo->test[su][0]), "i" + std::to_string(su + 9));
    EXPECT_EQ(d.items.id(loo->valid[su][0]), "i" + std::to_string(su + 8));
    EXPECT_EQ(loo->train[su].size(), 8u);
  }
  auto tr = split_by_time_ratio(d);
  ASSERT_TRUE(tr.is_ok());
  for (int32_t u : tr->users) {
    auto su = static_cast<size_t>(u);
    ASSERT_EQ(tr->test[su].size(), 1u);
    // Every train item is older than every test item.
    for (int32_t i : tr->train[su]) EXPECT_LT(i, tr->test[su][0]);
  }
}

TEST(Protocols, GlobalTimeCutRespectsTime) {
  auto d = timed(10);
  SplitOptions o;
  o.min_positives = 1;
  auto s = split_global_time(d, o);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  // 100 positives: the cut at 80% falls at time 800, the one at 90% at 900, so
  // every user keeps j < 8 for train, j = 8 for valid and j = 9 for test.
  ASSERT_EQ(s->users.size(), 10u);
  for (int32_t u : s->users) {
    auto su = static_cast<size_t>(u);
    EXPECT_EQ(s->train[su].size(), 8u);
    ASSERT_EQ(s->valid[su].size(), 1u);
    ASSERT_EQ(s->test[su].size(), 1u);
    EXPECT_EQ(d.items.id(s->valid[su][0]), "i" + std::to_string(su + 8));
    EXPECT_EQ(d.items.id(s->test[su][0]), "i" + std::to_string(su + 9));
  }
}

TEST(Protocols, ColdItemsNeverAppearInTrain) {
  Dataset d;
  std::mt19937_64 rng(5);
  for (int u = 0; u < 60; ++u) {
    int32_t user = d.users.add("u" + std::to_string(u));
    for (int k = 0; k < 20; ++k)
      d.interactions.push_back({user, d.items.add("i" + std::to_string(rng() % 200)), 5.0, 0});
  }
  d.item_titles.resize(d.items.size());
  d.item_genres.resize(d.items.size());
  d.item_tags.resize(d.items.size());
  auto cs = split_cold_items(d, 0.2);
  ASSERT_TRUE(cs.is_ok()) << cs.status().to_string();
  std::set<int32_t> cold(cs->cold_items.begin(), cs->cold_items.end());
  EXPECT_NEAR(static_cast<double>(cold.size()), 0.2 * static_cast<double>(d.items.size()), 2.0);
  for (int32_t u : cs->split.users) {
    auto su = static_cast<size_t>(u);
    ASSERT_FALSE(cs->split.test[su].empty());
    for (int32_t i : cs->split.train[su]) EXPECT_FALSE(cold.count(i));
    for (int32_t i : cs->split.valid[su]) EXPECT_FALSE(cold.count(i));
    for (int32_t i : cs->split.test[su]) EXPECT_TRUE(cold.count(i));
  }
  EXPECT_FALSE(split_cold_items(d, 1.5).is_ok());
}

TEST(Protocols, ColdUsersKeepFewTrainItemsOthersKeepAll) {
  auto d = timed(40);
  auto s = split_cold_users(d, 0.25, 2);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(s->users.size(), 10u);
  std::set<int32_t> cold(s->users.begin(), s->users.end());
  for (size_t u = 0; u < 40; ++u) {
    if (cold.count(static_cast<int32_t>(u))) {
      EXPECT_EQ(s->train[u].size(), 2u);
      EXPECT_EQ(s->test[u].size(), 8u);
      for (int32_t i : s->test[u]) EXPECT_FALSE(std::binary_search(s->train[u].begin(), s->train[u].end(), i));
    } else {
      EXPECT_EQ(s->train[u].size(), 10u);  // warm users keep everything for training
      EXPECT_TRUE(s->test[u].empty());
    }
  }
  EXPECT_FALSE(split_cold_users(d, 0.0, 2).is_ok());
  EXPECT_FALSE(split_cold_users(d, 0.5, 0).is_ok());
}

}  // namespace
}  // namespace tokrec::rec
