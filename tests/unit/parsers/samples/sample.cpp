#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace demo {

template <typename T>
class Stack {
 public:
  void push(T value) { items_.push_back(std::move(value)); }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
  T pop();

 private:
  std::vector<T> items_;
};

template <typename T>
T Stack<T>::pop() {
  T top = items_.back();
  items_.pop_back();
  return top;
}

inline int count_if_even(const std::vector<int>& v) {
  return static_cast<int>(std::count_if(v.begin(), v.end(), [](int x) { return x % 2 == 0; }));
}

}  // namespace demo

int main() {
  auto stack = std::make_unique<demo::Stack<std::string>>();
  stack->push("a");
  return stack->empty() ? 1 : 0;
}
