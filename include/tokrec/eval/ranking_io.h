// Reading and writing the two TSV layouts of evaluation (no header, ids are
// byte strings compared byte for byte, no UTF-8 check):
//   RECS   user<TAB>item<TAB>rank           rank: integer, smaller = better
//   TRUTH  user<TAB>item[<TAB>relevance]    relevance: number, default 1
// Row order carries no meaning in RECS: a user's list is its rows sorted by
// rank (ties keep file order); only the position in that list counts, so
// ranks 1,2,3 and 10,20,30 give the same list. TRUTH rows with relevance <= 0
// are dropped; a duplicated (user, item) keeps its largest relevance.
// Empty lines are skipped; a "\r" before "\n" is stripped. Errors name the
// file and line. Files ending in .gz are read through zlib.
#pragma once

#include <string>
#include <string_view>

#include "tokrec/core/status.h"
#include "tokrec/eval/metrics.h"

namespace tokrec::eval {

// `path` "-" reads stdin.
Result<Recommendations> read_recommendations(const std::string& path);
Result<Truth> read_truth(const std::string& path);

// Same, from text already in memory; `name` stands for the file in errors.
Result<Recommendations> parse_recommendations(std::string_view text, const std::string& name);
Result<Truth> parse_truth(std::string_view text, const std::string& name);

// Users in byte order, ranks 1..n in list order (repeats written as they are).
std::string format_recommendations(const Recommendations& recs);
// Users and items in byte order; relevance printed with 17 significant digits
// when `with_relevance`, else two columns (relevances are then lost).
std::string format_truth(const Truth& truth, bool with_relevance = true);

Status write_recommendations(const std::string& path, const Recommendations& recs);
Status write_truth(const std::string& path, const Truth& truth, bool with_relevance = true);

}  // namespace tokrec::eval
