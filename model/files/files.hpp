#pragma once
// Files (src/files/files.cpp): the process "files", which serves sandboxes over HTTP.
// The agent attaches a path (an executor's sandbox) under a virtual path and detaches
// it when the sandbox is garbage collected. Promises: attach and detach run in call
// order; attach of an attached virtual path replaces it; browse() answers what is
// attached now. HTTP is not modelled.
#include <map>
#include <optional>
#include <string>

#include "sim/process.hpp"

namespace agentsim::model {

class Files final : public sim::Process {
 public:
  // `authorized` is whether main() gave Files an authorizer (Files(realm, authorizer)).
  explicit Files(bool authorized = false) : sim::Process(sim::ProcessName::fixed("files")), authorized_(authorized) {}
  std::string_view source() const override { return "src/files/files.cpp"; }
  std::string_view className() const override { return "FilesProcess"; }

  void attach(std::string path, std::string virtualPath);
  void detach(std::string virtualPath);
  // The real path behind a virtual one, if attached.
  std::optional<std::string> resolve(const std::string& virtualPath) const;
  std::size_t attached() const { return paths_.size(); }
  bool authorized() const { return authorized_; }

 private:
  bool authorized_;
  std::map<std::string, std::string> paths_;  // virtual -> real
};

}  // namespace agentsim::model
