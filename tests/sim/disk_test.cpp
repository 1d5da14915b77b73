// The simulated disk: durable once synced, unsynced data lost on crash, injected write
// failures.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/disk.hpp"

using namespace agentsim::sim;

TEST_CASE("a written file reads back and a missing one does not") {
  Disk disk;
  CHECK_FALSE(disk.read("meta/slaves/latest").has_value());
  CHECK_FALSE(disk.exists("meta/slaves/latest"));
  REQUIRE(disk.write("meta/slaves/latest", "S1").isSome());
  CHECK(disk.read("meta/slaves/latest") == "S1");
  CHECK(disk.exists("meta/slaves/latest"));
  REQUIRE(disk.write("meta/slaves/latest", "S2").isSome());
  CHECK(disk.read("meta/slaves/latest") == "S2");
  REQUIRE(disk.write("empty", "").isSome());
  CHECK(disk.exists("empty"));
  CHECK(disk.read("empty") == "");
}

TEST_CASE("append creates the file and adds to it") {
  Disk disk;
  REQUIRE(disk.append("updates", "a").isSome());
  REQUIRE(disk.append("updates", "bc").isSome());
  CHECK(disk.read("updates") == "abc");
}

TEST_CASE("a crash keeps synced writes and loses unsynced ones") {
  Disk disk;
  REQUIRE(disk.write("synced", "1").isSome());
  REQUIRE(disk.write("unsynced-new", "2", /*sync=*/false).isSome());
  REQUIRE(disk.write("synced-then-overwritten", "old").isSome());
  REQUIRE(disk.write("synced-then-overwritten", "new", /*sync=*/false).isSome());
  CHECK(disk.read("unsynced-new") == "2");
  CHECK(disk.read("synced-then-overwritten") == "new");
  disk.crash();
  CHECK(disk.read("synced") == "1");
  CHECK_FALSE(disk.exists("unsynced-new"));
  CHECK(disk.read("synced-then-overwritten") == "old");
  CHECK(disk.list() == std::vector<std::string>{"synced", "synced-then-overwritten"});
}

TEST_CASE("sync makes earlier unsynced writes durable") {
  Disk disk;
  REQUIRE(disk.write("a", "1", false).isSome());
  REQUIRE(disk.append("b", "x", false).isSome());
  disk.sync();
  REQUIRE(disk.write("c", "3", false).isSome());
  disk.crash();
  CHECK(disk.read("a") == "1");
  CHECK(disk.read("b") == "x");
  CHECK_FALSE(disk.exists("c"));
}

TEST_CASE("an unsynced append is lost on crash, back to the last durable content") {
  Disk disk;
  REQUIRE(disk.append("log", "one;").isSome());
  REQUIRE(disk.append("log", "two;", false).isSome());
  REQUIRE(disk.append("log", "three;", false).isSome());
  CHECK(disk.read("log") == "one;two;three;");
  disk.crash();
  CHECK(disk.read("log") == "one;");
}

TEST_CASE("a synced write after unsynced ones makes the latest content durable") {
  Disk disk;
  REQUIRE(disk.write("f", "draft", false).isSome());
  REQUIRE(disk.write("f", "final").isSome());
  disk.crash();
  CHECK(disk.read("f") == "final");
}

TEST_CASE("a second crash changes nothing more") {
  Disk disk;
  REQUIRE(disk.write("a", "1").isSome());
  REQUIRE(disk.write("b", "2", false).isSome());
  disk.crash();
  disk.crash();
  CHECK(disk.list() == std::vector<std::string>{"a"});
}

TEST_CASE("remove is durable at once") {
  Disk disk;
  REQUIRE(disk.write("a", "1").isSome());
  CHECK(disk.remove("a"));
  CHECK_FALSE(disk.remove("a"));
  CHECK_FALSE(disk.remove("never"));
  disk.crash();
  CHECK_FALSE(disk.exists("a"));
}

TEST_CASE("removeTree and list work on path prefixes, in sorted order") {
  Disk disk;
  for (const char* p : {"meta/slaves/S1/frameworks/F1/framework.info", "meta/slaves/S1/slave.info",
                        "meta/slaves/latest", "meta/boot_id", "work/x"}) {
    REQUIRE(disk.write(p, "x").isSome());
  }
  CHECK(disk.list("meta/slaves/") ==
        std::vector<std::string>{"meta/slaves/S1/frameworks/F1/framework.info", "meta/slaves/S1/slave.info",
                                 "meta/slaves/latest"});
  CHECK(disk.list().size() == 5);
  CHECK(disk.list("nothing/").empty());
  CHECK(disk.removeTree("meta/slaves/S1/") == 2);
  CHECK(disk.list("meta/") == std::vector<std::string>{"meta/boot_id", "meta/slaves/latest"});
  CHECK(disk.removeTree("meta/slaves/S1/") == 0);
  // A prefix is a string prefix: "work" does not match "meta/...".
  CHECK(disk.removeTree("work") == 1);
  CHECK(disk.list() == std::vector<std::string>{"meta/boot_id", "meta/slaves/latest"});
}

TEST_CASE("usedBytes counts what a read would see") {
  Disk disk;
  CHECK(disk.usedBytes() == 0);
  REQUIRE(disk.write("a", "12345").isSome());
  REQUIRE(disk.write("b", "678", false).isSome());
  CHECK(disk.usedBytes() == 8);
  disk.crash();
  CHECK(disk.usedBytes() == 5);
}

TEST_CASE("injected write failures fail the next matching writes and change nothing") {
  Disk disk;
  REQUIRE(disk.write("meta/slaves/latest", "S1").isSome());
  disk.failWrites("meta/", 2);

  const Try<Nothing> w1 = disk.write("meta/slaves/latest", "S2");
  REQUIRE(w1.isError());
  CHECK(w1.error() == "write to 'meta/slaves/latest' failed (injected disk fault)");
  CHECK(disk.read("meta/slaves/latest") == "S1");

  // A path outside the prefix is not affected and does not use up the count.
  CHECK(disk.write("work/x", "ok").isSome());

  const Try<Nothing> a = disk.append("meta/updates", "u");
  CHECK(a.isError());
  CHECK_FALSE(disk.exists("meta/updates"));

  // The count is used up.
  CHECK(disk.write("meta/slaves/latest", "S3").isSome());
  CHECK(disk.read("meta/slaves/latest") == "S3");
}

TEST_CASE("disk usage: grown files count without being stored; usage is a fraction of the capacity") {
  agentsim::sim::Disk d;
  d.setCapacity(1000);
  CHECK(d.usageMillionths() == 0);
  d.grow("/var/lib/mesos/slaves/s/frameworks/f/executors/e/runs/c/stdout", 250);
  CHECK(d.usedBytes() == 250);
  CHECK(d.usageMillionths() == 250'000);
  CHECK(d.read("/var/lib/mesos/slaves/s/frameworks/f/executors/e/runs/c/stdout") == std::string());
  d.crash();  // grown bytes are durable
  CHECK(d.usedBytes() == 250);
  CHECK(d.removeTree("/var/lib/mesos/slaves/s/frameworks/f/") == 1);
  CHECK(d.usageMillionths() == 0);
  d.grow("/ballast", 5000);
  CHECK(d.usageMillionths() == 1'000'000);  // capped at a full disk
}

TEST_CASE("a directory's mtime is the last change of an entry directly in it") {
  Disk d;
  Time now;
  d.setClock(&now);
  CHECK_FALSE(d.mtime("w/a").has_value());  // nothing under it: it does not exist
  now = Time{} + Seconds(1);
  REQUIRE(d.write("w/a/f", "x").isSome());
  now = Time{} + Seconds(5);
  REQUIRE(d.write("w/a/b/g", "y").isSome());  // makes b: a changes
  CHECK(d.mtime("w/a") == Time{} + Seconds(5));
  CHECK(d.mtime("w") == Time{} + Seconds(1));  // a was made at 1s
  now = Time{} + Seconds(9);
  REQUIRE(d.append("w/a/f", "z").isSome());  // an append to an existing file: no change
  d.grow("w/a/out", 100);                    // a growth never changes it
  CHECK(d.mtime("w/a") == Time{} + Seconds(5));
  REQUIRE(d.write("w/a/f", "new").isSome());  // a whole-file write replaces the entry
  CHECK(d.mtime("w/a") == Time{} + Seconds(9));
  now = Time{} + Seconds(12);
  d.makeDirectory("w/s");  // an empty directory exists
  CHECK(d.mtime("w/s") == Time{} + Seconds(12));
  CHECK(d.mtime("w") == Time{} + Seconds(12));
  now = Time{} + Seconds(20);
  d.removeTree("w/a/b/");  // removing b changes a
  CHECK(d.mtime("w/a") == Time{} + Seconds(20));
  d.removeTree("w/s/");
  CHECK_FALSE(d.mtime("w/s").has_value());
}

// touch (os::utime of a directory) stands for writing an entry in it and removing it at
// once: the same mtimes after, the same failure under an injected write fault (one fault
// used up), nothing done (no fault used up) for a directory that does not exist.
TEST_CASE("touch sets a directory's mtime to now as making and removing an entry in it would") {
  Time now;
  Disk touched;
  Disk written;  // the same calls, os::utime as an entry written and removed
  touched.setClock(&now);
  written.setClock(&now);
  auto both = [&](auto&& call) {
    call(touched);
    call(written);
  };
  auto utime = [&](const std::string& dir) {
    const Try<bool> t = touched.touch(dir);
    const bool existed = written.mtime(dir).has_value();
    Try<Nothing> w = Nothing{};
    if (existed) {
      w = written.write(dir + "/.utime", std::string());
      written.remove(dir + "/.utime");
    }
    CHECK(t.isError() == w.isError());
    if (t.isSome()) CHECK(*t == existed);
    return t;
  };
  auto same = [&](const std::vector<std::string>& dirs) {
    CHECK(touched.list() == written.list());
    for (const auto& dir : dirs) CHECK(touched.mtime(dir) == written.mtime(dir));
  };
  const std::vector<std::string> dirs{"w", "w/a", "w/a/runs", "w/a/runs/c1", "w/b", "w/e", "w/m"};
  now = Time{} + Seconds(1);
  both([](Disk& d) { REQUIRE(d.write("w/a/runs/c1/stdout", "x").isSome()); });
  both([](Disk& d) { d.makeDirectory("w/e"); });  // empty, but it exists
  now = Time{} + Seconds(4);
  both([](Disk& d) { REQUIRE(d.write("w/m/x", "y").isSome()); });
  now = Time{} + Seconds(7);
  REQUIRE(utime("w/a/runs/c1").isSome());
  CHECK(touched.mtime("w/a/runs/c1") == now);
  CHECK(touched.mtime("w/a/runs") == Time{} + Seconds(1));  // its parent does not change
  REQUIRE(utime("w/e").isSome());
  CHECK(touched.mtime("w/e") == now);
  same(dirs);

  // A directory that does not exist stays so, and an armed fault is not used up.
  both([](Disk& d) { d.failWrites("w/m", 1); });
  const Try<bool> missing = utime("w/b");
  REQUIRE(missing.isSome());
  CHECK_FALSE(*missing);
  CHECK_FALSE(touched.mtime("w/b").has_value());
  // The fault fails the touch and changes nothing; the next one succeeds.
  now = Time{} + Seconds(9);
  const Try<bool> failed = utime("w/m");
  REQUIRE(failed.isError());
  CHECK(failed.error() == "write to 'w/m/.utime' failed (injected disk fault)");
  CHECK(touched.mtime("w/m") == Time{} + Seconds(4));
  same(dirs);
  REQUIRE(utime("w/m").isSome());
  CHECK(touched.mtime("w/m") == now);
  same(dirs);

  // A crash keeps it (metadata is durable at once), as removing the entry does.
  both([](Disk& d) { d.crash(); });
  same(dirs);
}

// A made directory (an executor's sandbox) keeps its touch in its own entry (Disk::Made),
// others in the changed directories: the mtimes must be those of a disk where each touch
// is an entry written and removed, through touches, removals under it, a subdirectory
// made, the tree removed and the directory made again; with paths long enough to be split
// (an interned directory and the rest) and short ones kept whole.
TEST_CASE("touch of a made directory: the same mtimes as an entry written and removed") {
  Time now;
  Disk touched;
  Disk written;
  touched.setClock(&now);
  written.setClock(&now);
  auto both = [&](auto&& call) {
    call(touched);
    call(written);
  };
  auto utime = [&](const std::string& dir) {
    const Try<bool> t = touched.touch(dir);
    const bool existed = written.mtime(dir).has_value();
    if (existed) {
      REQUIRE(written.write(dir + "/.utime", std::string()).isSome());
      written.remove(dir + "/.utime");
    }
    REQUIRE(t.isSome());
    CHECK(*t == existed);
  };
  const std::string root = "/var/lib/mesos/slaves/0123456789abcdef-S0/frameworks/0123456789abcdef-0000/executors";
  for (const std::string& base : {root, std::string("w")}) {
    const std::string sandbox = base + "/e-1/runs/c-1";
    const std::string other = base + "/e-2/runs/c-2";
    const std::vector<std::string> dirs{base, base + "/e-1", base + "/e-1/runs", sandbox, sandbox + "/sub",
                                        base + "/e-2", other};
    auto same = [&] {
      CHECK(touched.list() == written.list());
      for (const auto& dir : dirs) CHECK(touched.mtime(dir) == written.mtime(dir));
    };
    now = Time{} + Seconds(1);
    both([&](Disk& d) { d.makeDirectory(sandbox); });
    both([&](Disk& d) { d.makeDirectory(other); });
    now = Time{} + Seconds(2);
    utime(sandbox);  // made: its own entry
    utime(base + "/e-1");  // not made: the changed directories
    same();
    CHECK(touched.mtime(sandbox) == now);
    now = Time{} + Seconds(3);
    both([&](Disk& d) { REQUIRE(d.write(sandbox + "/stdout", "x").isSome()); });
    now = Time{} + Seconds(4);
    both([&](Disk& d) { d.remove(sandbox + "/stdout"); });  // a change through the changed directories
    same();
    now = Time{} + Seconds(5);
    utime(sandbox);  // both kinds of change on one directory: the later counts
    both([&](Disk& d) { d.makeDirectory(sandbox + "/sub"); });
    same();
    now = Time{} + Seconds(6);
    utime(sandbox + "/sub");
    same();
    // The tree goes (and with it the touch), then the directory is made again.
    now = Time{} + Seconds(7);
    both([&](Disk& d) { d.removeTree(sandbox + "/"); });
    same();
    CHECK_FALSE(touched.mtime(sandbox).has_value());
    now = Time{} + Seconds(8);
    both([&](Disk& d) { d.makeDirectory(sandbox); });
    same();
    CHECK(touched.mtime(sandbox) == now);  // the old touch is gone with the tree
    now = Time{} + Seconds(9);
    utime(other);
    both([&](Disk& d) { d.removeTree(base + "/e-2/"); });
    same();
  }
}

// The disk keeps a path as its directory up to its last three components (interned) and
// the rest: every answer must still be in the whole text's order, across that split. A
// path of at most 96 characters is kept whole: under a long root every path here but "a"
// splits (and sorts among that whole one), under none every path is whole, and under a
// root of 75 characters the paths of 97 and more split and the others (76 to 96) do not,
// mixed in the same directories; all three must give the same answers.
TEST_CASE("paths split at different depths still sort and match as whole texts") {
  std::string R;
  SUBCASE("under a long root: every path split") { R = std::string(100, 'r') + "/"; }
  SUBCASE("short paths: every path whole") { R = ""; }
  SUBCASE("whole and split paths in one directory") { R = std::string(74, 'r') + "/"; }
  Disk d;
  Time now;
  d.setClock(&now);
  const std::vector<std::string> paths{
      R + "w/f/ex/e-1/runs/latest", R + "w/f/ex/e-1/runs/c1/stdout", R + "w/f/ex/e-10/runs/latest",
      R + "w/f/ex/e-2/runs/latest", R + "w/f/ex/e.x",                R + "w/f/ex/e-1/x",
      R + "w/f/ex-/a/b/c",          R + "w/f/ex/e-1/runs/c1/d/e/f",  R + "w/f/e",
      R + "a",                      R + "w/f/ex/e-1/runs-x",         R + "w/f/ex0/e/runs/latest"};
  for (std::size_t i = 0; i < paths.size(); ++i) {
    now = Time{} + Seconds(static_cast<std::int64_t>(i) + 1);
    REQUIRE(d.write(paths[i], paths[i]).isSome());
  }
  std::vector<std::string> sorted = paths;
  std::sort(sorted.begin(), sorted.end());
  CHECK(d.list() == sorted);
  for (const auto& p : paths) CHECK(d.read(p) == p);
  CHECK_FALSE(d.exists(R + "w/f/ex/e-1/runs/c"));
  CHECK_FALSE(d.exists(R + "w/f/ex/e-1/runs/latestx"));
  const std::vector<std::string> e1{R + "w/f/ex/e-1/runs-x", R + "w/f/ex/e-1/runs/c1/d/e/f",
                                    R + "w/f/ex/e-1/runs/c1/stdout", R + "w/f/ex/e-1/runs/latest",
                                    R + "w/f/ex/e-1/x"};
  CHECK(d.list(R + "w/f/ex/e-1/") == e1);
  std::vector<std::string> e1more = e1;
  e1more.push_back(R + "w/f/ex/e-10/runs/latest");
  CHECK(d.list(R + "w/f/ex/e-1") == e1more);
  // du of a directory (the disk/du isolator's sandbox check) counts the same paths.
  std::uint64_t e1bytes = 0;
  for (const auto& p : e1) e1bytes += p.size();
  CHECK(d.usedBytes(R + "w/f/ex/e-1/") == e1bytes);
  CHECK(d.usedBytes(R + "w/f/ex/e-1") == e1bytes + std::string(R + "w/f/ex/e-10/runs/latest").size());
  CHECK(d.usedBytes(R + "w/f/ex/e-1/runs/c1/") ==
        std::string(R + "w/f/ex/e-1/runs/c1/d/e/f").size() + std::string(R + "w/f/ex/e-1/runs/c1/stdout").size());
  // runs's entries: latest (1s) and c1 (made with its first file at 2s).
  CHECK(d.mtime(R + "w/f/ex/e-1/runs") == Time{} + Seconds(2));
  // e-1's entries: runs (made at 1s), x (6s), runs-x (11s).
  CHECK(d.mtime(R + "w/f/ex/e-1") == Time{} + Seconds(11));
  CHECK(d.mtime(R + "w/f/ex") == Time{} + Seconds(5));  // e.x, the latest entry directly in it
  now = Time{} + Seconds(30);
  d.makeDirectory(R + "w/f/ex/e-3/runs/c3");
  CHECK(d.mtime(R + "w/f/ex/e-3/runs/c3") == Time{} + Seconds(30));
  CHECK(d.mtime(R + "w/f/ex") == Time{} + Seconds(30));
  CHECK(d.removeTree(R + "w/f/ex/e-1/") == 5);
  CHECK(d.list(R + "w/f/ex/e") == std::vector<std::string>{R + "w/f/ex/e-10/runs/latest", R + "w/f/ex/e-2/runs/latest",
                                                         R + "w/f/ex/e.x"});
  CHECK(d.remove(R + "w/f/ex/e-2/runs/latest"));
  CHECK_FALSE(d.mtime(R + "w/f/ex/e-2").has_value());
  CHECK(d.removeTree(R + "w/f/ex/e-3/") == 0);
  CHECK_FALSE(d.mtime(R + "w/f/ex/e-3").has_value());
  REQUIRE(d.write(R + "w/f/ex/e-10/runs/latest", "new", false).isSome());
  d.crash();
  CHECK(d.read(R + "w/f/ex/e-10/runs/latest") == R + "w/f/ex/e-10/runs/latest");
  CHECK(d.list().size() == 6);
}
