#pragma once
// The temporary credentials AssumeRole issued, by access key id: who they act as and in which
// account. Kept until reset (expiry is reported, not enforced). Owned by the state strand.
#include <chrono>
#include <map>
#include <string>

namespace ecslocal::api::sts {

struct Session {
  std::string access_key_id;
  std::string account_id;        // the role's account
  std::string assumed_role_arn;  // arn:aws:sts::<account>:assumed-role/<role>/<session>
  std::string assumed_role_id;   // <role id>:<session>
  std::chrono::system_clock::time_point expiration;
};

class SessionRegistry {
 public:
  void put(Session session) { sessions_[session.access_key_id] = std::move(session); }
  const Session* find(const std::string& access_key_id) const {
    auto it = sessions_.find(access_key_id);
    return it == sessions_.end() ? nullptr : &it->second;
  }
  void clear() { sessions_.clear(); }
  const std::map<std::string, Session>& all() const { return sessions_; }  // by access key id (snapshots)

 private:
  std::map<std::string, Session> sessions_;
};

}  // namespace ecslocal::api::sts
