#include "io/byte_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sm::io {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

// Owns a POSIX file descriptor.
class FdSource final : public ByteSource {
 public:
  // mappable: a regular file this source owns, big enough for mapping to pay.
  FdSource(int fd, std::string name, bool owns, bool mappable = false)
      : fd_(fd), name_(std::move(name)), owns_(owns), mappable_(mappable) {}
  ~FdSource() override {
    if (map_ != nullptr) ::munmap(map_, map_size_);
    if (owns_ && fd_ >= 0) ::close(fd_);
  }
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  std::optional<std::string_view> take_rest(size_t unread, uint64_t max_new) override {
    if (!mappable_ || map_ != nullptr || unread > consumed_) return std::nullopt;
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) < consumed_ ||
        static_cast<uint64_t>(st.st_size) - consumed_ > max_new)
      return std::nullopt;
    auto size = static_cast<size_t>(st.st_size);
    if (size == 0) return std::nullopt;
    void* m = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd_, 0);
    if (m == MAP_FAILED) return std::nullopt;  // read() still works
    map_ = m;
    map_size_ = size;
    const uint64_t from = consumed_ - unread;
    consumed_ = size;
    return std::string_view(static_cast<const char*>(m) + from, size - from);
  }

  // Drops the pages of released bytes in batches of kReleaseBatch: each madvise costs a TLB
  // shootdown on every core running this process, so 4 MiB at a time would cost more than it
  // saves; resident memory stays under about two batches. Callers release in order, so
  // everything before `done` is done with too. Dropped pages of a shared file mapping stay
  // readable (they come back from the page cache), so this only ever costs time, never data.
  void release(std::string_view done) override {
    if (map_ == nullptr || done.empty()) return;
    const auto base = reinterpret_cast<uintptr_t>(map_);
    const auto b = reinterpret_cast<uintptr_t>(done.data());
    const auto e = b + done.size();
    if (b < base || e > base + map_size_) return;
    const uintptr_t upto = e - base;
    if (upto < released_ + kReleaseBatch) return;
    static const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const uintptr_t from = (base + released_ + page - 1) / page * page, to = (base + upto) / page * page;
    if (from < to) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
    released_ = upto;
  }

  Result<size_t> read(std::span<char> out) override {
    for (;;) {
      ssize_t n = ::read(fd_, out.data(), out.size());
      if (n >= 0) {
        consumed_ += static_cast<uint64_t>(n);
        return static_cast<size_t>(n);
      }
      if (errno == EINTR) continue;
      return Error::io(name_ + ": read failed: " + errno_text(errno));
    }
  }
  const std::string& name() const override { return name_; }
  uint64_t raw_bytes_consumed() const override { return consumed_; }

 private:
  int fd_;
  std::string name_;
  bool owns_;
  bool mappable_;
  void* map_ = nullptr;
  size_t map_size_ = 0;
  uintptr_t released_ = 0;  // offset up to which pages were dropped
  static constexpr uintptr_t kReleaseBatch = uintptr_t{32} << 20;
  uint64_t consumed_ = 0;
};

class ViewSource final : public ByteSource {
 public:
  ViewSource(std::string name, std::string_view data) : name_(std::move(name)), data_(data) {}
  Result<size_t> read(std::span<char> out) override {
    size_t n = std::min(out.size(), data_.size() - pos_);
    if (n != 0) std::memcpy(out.data(), data_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  const std::string& name() const override { return name_; }
  uint64_t raw_bytes_consumed() const override { return pos_; }
  std::optional<std::string_view> take_rest(size_t unread, uint64_t max_new) override {
    if (unread > pos_ || data_.size() - pos_ > max_new) return std::nullopt;
    std::string_view rest = data_.substr(pos_ - unread);
    pos_ = data_.size();
    return rest;
  }

 protected:
  std::string name_;
  std::string_view data_;
  size_t pos_ = 0;
};

class OwnedSource final : public ByteSource {
 public:
  OwnedSource(std::string name, std::string data)
      : owned_(std::move(data)), view_(std::move(name), owned_) {}
  Result<size_t> read(std::span<char> out) override { return view_.read(out); }
  const std::string& name() const override { return view_.name(); }
  uint64_t raw_bytes_consumed() const override { return view_.raw_bytes_consumed(); }
  std::optional<std::string_view> take_rest(size_t unread, uint64_t max_new) override {
    return view_.take_rest(unread, max_new);
  }

 private:
  std::string owned_;
  ViewSource view_;
};

}  // namespace

Result<ByteSourcePtr> open_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::io(path + ": cannot open: " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error::bad_input(path + ": not a regular file");
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  const bool mappable = static_cast<uint64_t>(st.st_size) >= kMapThreshold;
  return ByteSourcePtr(std::make_unique<FdSource>(fd, path, true, mappable));
}

ByteSourcePtr open_stdin(std::string display_name) {
  return std::make_unique<FdSource>(STDIN_FILENO, std::move(display_name), false);
}

ByteSourcePtr memory_source(std::string name, std::string_view data) {
  return std::make_unique<ViewSource>(std::move(name), data);
}

ByteSourcePtr owned_memory_source(std::string name, std::string data) {
  return std::make_unique<OwnedSource>(std::move(name), std::move(data));
}

PeekableSource::PeekableSource(ByteSourcePtr inner) : inner_(std::move(inner)) {}

Result<std::string_view> PeekableSource::peek(size_t n) {
  while (head_.size() - head_pos_ < n && !inner_eof_) {
    size_t have = head_.size();
    head_.resize(head_pos_ + n);
    auto r = inner_->read(std::span<char>(head_.data() + have, head_.size() - have));
    if (!r.ok()) {
      head_.resize(have);
      return r.take_error();
    }
    head_.resize(have + *r);
    if (*r == 0) inner_eof_ = true;
  }
  size_t avail = std::min(n, head_.size() - head_pos_);
  return std::string_view(head_.data() + head_pos_, avail);
}

Result<size_t> PeekableSource::read(std::span<char> out) {
  if (head_pos_ < head_.size()) {
    size_t n = std::min(out.size(), head_.size() - head_pos_);
    if (n != 0) std::memcpy(out.data(), head_.data() + head_pos_, n);
    head_pos_ += n;
    if (head_pos_ == head_.size()) {
      head_.clear();
      head_.shrink_to_fit();
      head_pos_ = 0;
    }
    return n;
  }
  if (inner_eof_) return size_t{0};
  return inner_->read(out);
}

std::optional<std::string_view> PeekableSource::take_rest(size_t unread, uint64_t max_new) {
  // The peeked bytes not handed out yet are the last ones read from inner_; they count as
  // bytes left for this source, not for inner_.
  const size_t held = head_.size() - head_pos_;
  if (held > max_new) return std::nullopt;
  auto rest = inner_->take_rest(unread + held, max_new - held);
  if (!rest) return std::nullopt;
  head_.clear();
  head_.shrink_to_fit();
  head_pos_ = 0;
  inner_eof_ = true;
  return rest;
}

Result<std::string> read_all(ByteSource& src, uint64_t max_bytes) {
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    auto r = src.read(std::span<char>(buf, sizeof buf));
    if (!r.ok()) return r.take_error();
    if (*r == 0) break;
    if (out.size() + *r > max_bytes)
      return Error::limit(src.name() + ": larger than " + std::to_string(max_bytes) + " bytes");
    out.append(buf, *r);
  }
  return out;
}

}  // namespace sm::io
