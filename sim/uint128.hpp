#pragma once
// 128-bit unsigned integers for exact arithmetic (GCC and Clang).
namespace agentsim::sim {
__extension__ using u128 = unsigned __int128;
}  // namespace agentsim::sim
