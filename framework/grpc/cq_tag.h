// CqTag: what a completion-queue tag is in framework/grpc. The thread driving a queue runs
// each event's tag:  static_cast<CqTag*>(tag)->Complete(ok);
#ifndef DATABRIDGE_FRAMEWORK_GRPC_CQ_TAG_H_
#define DATABRIDGE_FRAMEWORK_GRPC_CQ_TAG_H_

namespace databridge::rpc {

class CqTag {
 public:
  virtual void Complete(bool ok) = 0;

 protected:
  ~CqTag() = default;
};

// A tag calling `(object->*F)(ok)`: one per kind of operation an object has in flight.
template <class T, void (T::*F)(bool)>
class MemberTag final : public CqTag {
 public:
  explicit MemberTag(T* object) : object_(object) {}
  void Complete(bool ok) override { (object_->*F)(ok); }

 private:
  T* const object_;
};

}  // namespace databridge::rpc

#endif  // DATABRIDGE_FRAMEWORK_GRPC_CQ_TAG_H_
