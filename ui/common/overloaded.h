#pragma once
// std::visit with one lambda per alternative: Overloaded{[](const A&) {...}, [](const B&) {...}}.

namespace mcunet::ui {

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace mcunet::ui
