#include <tokrec/core/status.h>
#include <tokrec/features/tfidf.h>

#include <iostream>

int main() {
  tokrec::features::TfidfVectorizer tfidf;
  auto m = tfidf.fit_transform({{"red", "apple"}, {"green", "apple"}});
  if (!m.is_ok()) {
    std::cerr << m.status().to_string() << "\n";
    return 1;
  }
  std::cout << m->rows << "x" << m->cols << "\n";
  return m->rows == 2 && m->cols == 3 ? 0 : 1;
}
