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
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>  // lookup only: index_
#include <utility>

namespace agentsim::model {

template <typename V>
class IndexedMap {
  using Map = std::map<std::string, V>;

 public:
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;

  IndexedMap() = default;
  // A copy indexes its own entries (the index holds the map's iterators); a move keeps
  // them (a node-based map's iterators stay valid when it moves).
  IndexedMap(const IndexedMap& o) : map_(o.map_) { reindex(); }
  IndexedMap& operator=(const IndexedMap& o) {
    if (this != &o) {
      map_ = o.map_;
      reindex();
    }
    return *this;
  }
  IndexedMap(IndexedMap&&) = default;
  IndexedMap& operator=(IndexedMap&&) = default;

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
  // std::map::emplace: inserts (key, value) if the key is absent.
  std::pair<iterator, bool> emplace(const std::string& key, const V& value) {
    if (const iterator it = find(key); it != map_.end()) return {it, false};
    const iterator made = map_.emplace(key, value).first;
    index_.emplace(std::string_view(made->first), made);
    return {made, true};
  }
  void erase(iterator it) {
    index_.erase(std::string_view(it->first));
    map_.erase(it);
  }
  std::size_t erase(const std::string& key) {
    const iterator it = find(key);
    if (it == map_.end()) return 0;
    erase(it);
    return 1;
  }

  iterator begin() { return map_.begin(); }
  iterator end() { return map_.end(); }
  const_iterator begin() const { return map_.begin(); }
  const_iterator end() const { return map_.end(); }
  std::size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }

 private:
  void reindex() {
    index_.clear();
    for (iterator it = map_.begin(); it != map_.end(); ++it) index_.emplace(std::string_view(it->first), it);
  }
  Map map_;
  std::unordered_map<std::string_view, iterator> index_;  // lookup only: views of map_'s keys
};

// A `std::set<std::string>` found through a hash index, as IndexedMap: iterated in order,
// and a look-up or an erase by key reads the index, not a walk of the set. For the
// master's SlaveIDs recovered from the registry (`recovered_slaves_`: erased one by one
// as 100,000 agents reregister). Not copyable: copy its elements (begin, end).
class IndexedSet {
  using Set = std::set<std::string>;

 public:
  using const_iterator = Set::const_iterator;

  IndexedSet() = default;
  IndexedSet(const IndexedSet&) = delete;  // the index holds the set's iterators
  IndexedSet& operator=(const IndexedSet&) = delete;

  std::size_t count(const std::string& key) const { return index_.count(key); }
  // Inserts `key` before `hint` if absent (std::set::insert(hint, key)).
  void insert(const_iterator hint, const std::string& key) {
    if (count(key) != 0) return;
    const const_iterator made = set_.insert(hint, key);
    index_.emplace(std::string_view(*made), made);
  }
  std::size_t erase(const std::string& key) {
    const auto it = index_.find(key);
    if (it == index_.end()) return 0;
    const const_iterator at = it->second;
    index_.erase(it);
    set_.erase(at);
    return 1;
  }

  const_iterator begin() const { return set_.begin(); }
  const_iterator end() const { return set_.end(); }
  std::size_t size() const { return set_.size(); }
  bool empty() const { return set_.empty(); }

 private:
  Set set_;
  std::unordered_map<std::string_view, const_iterator> index_;  // lookup only: views of set_'s texts
};

}  // namespace agentsim::model
