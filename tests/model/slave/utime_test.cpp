// os::utime of a directory (model/slave/utime.hpp): the directory's mtime becomes now, and
// utime answers what disk.mtime would then answer, which removeExecutor and
// removeFramework hand to the garbage collector instead of asking the disk again.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "model/slave/utime.hpp"
#include "sim/disk.hpp"
#include "sim/time.hpp"

using namespace agentsim;

TEST_CASE("utime makes a directory's mtime now and answers it; a missing directory stays missing") {
  sim::Disk disk;
  sim::Time now = sim::Time{} + sim::Seconds(7);
  disk.setClock(&now);
  disk.makeDirectory("/w/runs/C");
  REQUIRE(disk.write("/w/runs/latest", "C").isSome());
  now = sim::Time{} + sim::Seconds(20);
  CHECK(disk.mtime("/w/runs") == sim::Time{} + sim::Seconds(7));

  const std::optional<sim::Time> touched = model::utime(disk, "/w/runs", now);
  CHECK(touched == now);
  CHECK(disk.mtime("/w/runs") == touched);
  CHECK(disk.list("/w/") == std::vector<std::string>{"/w/runs/latest"});  // its entry came and went

  CHECK_FALSE(model::utime(disk, "/w/missing", now).has_value());
  CHECK_FALSE(disk.mtime("/w/missing").has_value());
  CHECK(disk.list("/w/missing").empty());
}

TEST_CASE("utime changes only the mtime: a file named .utime stays; a failed touch answers the old mtime") {
  // os::utime (stout) sets the directory's times and nothing else. The model once stood
  // for it by writing and removing "dir/.utime", which removed such a file (and, when it
  // was the only entry, the directory with it).
  sim::Disk disk;
  sim::Time now = sim::Time{} + sim::Seconds(3);
  disk.setClock(&now);
  REQUIRE(disk.write("/w/slaves/OLD/.utime", "x").isSome());
  now = sim::Time{} + sim::Seconds(9);
  CHECK(model::utime(disk, "/w/slaves/OLD", now) == now);
  CHECK(disk.read("/w/slaves/OLD/.utime") == std::optional<std::string>("x"));
  CHECK(disk.mtime("/w/slaves/OLD") == now);

  // An injected write fault under the directory fails the touch: the mtime stays the old
  // one, and utime answers it (what Slave::garbageCollect's stat would find).
  disk.failWrites("/w/slaves/OLD/", 1);
  now = sim::Time{} + sim::Seconds(15);
  CHECK(model::utime(disk, "/w/slaves/OLD", now) == sim::Time{} + sim::Seconds(9));
  CHECK(disk.mtime("/w/slaves/OLD") == sim::Time{} + sim::Seconds(9));
}
