#pragma once
// A `std::map<std::string, V>` found through a hash index: iterated in key order as the
// map is (every walk over it keeps its order), looked up in one probe. For the master's
// agents by SlaveID: at 100,000 agents a look-up in the map walks 17 levels, each a node
// and its key's heap text ("<uuid>-S<n>": 38 characters of common prefix compared at
// every level), a cache miss apiece; the index reads a bucket and a node. The index is
// only looked up, never iterated (docs/performance.md). Map iterators stay valid, so
// the index holds them.
#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>  // lookup only: index_

namespace agentsim::model {

template <typename V>
class IndexedMap {
  using Map = std::map<std::string, V>;

 public:
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;

  IndexedMap() = default;
  IndexedMap(const IndexedMap&) = delete;  // the index holds the map's iterators
  IndexedMap& operator=(const IndexedMap&) = delete;

  iterator find(const std::string& key) {
    const auto it = index_.find(key);
    return it == index_.end() ? map_.end() : it->second;
  }
  const_iterator find(const std::string& key) const {
    const auto it = index_.find(key);
    return it == index_.end() ? map_.end() : const_iterator(it->second);
  }
  std::size_t count(const std::string& key) const { return index_.count(key); }
  V& at(const std::string& key) {
    const iterator it = find(key);
    if (it == map_.end()) throw std::out_of_range("IndexedMap::at");
    return it->second;
  }
  const V& at(const std::string& key) const {
    const const_iterator it = find(key);
    if (it == map_.end()) throw std::out_of_range("IndexedMap::at");
    return it->second;
  }
  // The value of `key`, made (value-initialized) if absent.
  V& operator[](const std::string& key) {
    if (const iterator it = find(key); it != map_.end()) return it->second;
    const iterator made = map_.try_emplace(key).first;
    index_.emplace(std::string_view(made->first), made);
    return made->second;
  }
  void erase(iterator it) {
    index_.erase(std::string_view(it->first));
    map_.erase(it);
  }

  iterator begin() { return map_.begin(); }
  iterator end() { return map_.end(); }
  const_iterator begin() const { return map_.begin(); }
  const_iterator end() const { return map_.end(); }
  std::size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }

 private:
  Map map_;
  std::unordered_map<std::string_view, iterator> index_;  // lookup only: views of map_'s keys
};

}  // namespace agentsim::model
