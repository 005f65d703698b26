#include "train/checkpoint.h"

#include <zlib.h>

#include <cstring>
#include <limits>

#include "core/atomic_file.h"
#include "core/error.h"

namespace qmf::train {
namespace {

constexpr char kMagic[8] = {'Q', 'M', 'F', 'C', 'K', 'P', 'T', '\n'};

template <typename T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

uint32_t crc(const char* p, size_t n) {
  return static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(p), static_cast<uInt>(n)));
}

class Reader {
 public:
  Reader(std::string_view bytes, const std::string& name) : b_(bytes), name_(name) {}
  template <typename T>
  T get(const char* what) {
    T v;
    need(sizeof(T), what);
    std::memcpy(&v, b_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string_view take(size_t n, const char* what) {
    need(n, what);
    pos_ += n;
    return b_.substr(pos_ - n, n);
  }
  void need(size_t n, const char* what) const {
    if (n > b_.size() - pos_)
      throw Error(fmt::format("{}: checkpoint truncated while reading {}", name_, what));
  }
  size_t pos() const { return pos_; }

 private:
  std::string_view b_;
  const std::string& name_;
  size_t pos_ = 0;
};

}  // namespace

Checkpoint capture(const std::string& model_kind, const nn::ParameterArena& arena,
                   const nn::Optimizer& optimizer, int epochs_done, nlohmann::json extra,
                   const EpochProgress& partial) {
  const auto v = arena.values();
  return {model_kind,
          arena.blocks(),
          std::vector<double>(v.begin(), v.end()),
          std::string(name_of(optimizer.kind())),
          optimizer.state(),
          epochs_done,
          partial,
          std::move(extra)};
}

void save_checkpoint(const std::filesystem::path& path, const Checkpoint& c) {
  nlohmann::json header{{"model", c.model_kind},
                        {"optimizer", c.optimizer},
                        {"optimizer_step", c.optimizer_state.step},
                        {"epochs_done", c.epochs_done},
                        // loss_sum goes through JSON exactly: doubles are written with the
                        // shortest digits that read back to the same bits.
                        {"epoch_progress",
                         {{"steps", c.partial.steps},
                          {"loss_sum", c.partial.loss_sum},
                          {"correct", c.partial.correct},
                          {"seconds", c.partial.seconds}}},
                        {"extra", c.extra}};
  for (const auto& b : c.blocks)
    header["blocks"].push_back(
        {{"name", b.name}, {"size", b.size}, {"kind", nn::to_string(b.kind)}});
  for (const auto& buf : c.optimizer_state.buffers) header["buffers"].push_back(buf.size());
  const std::string h = header.dump();
  std::string out(kMagic, sizeof(kMagic));
  put(out, kCheckpointVersion);
  put(out, static_cast<uint64_t>(h.size()));
  out += h;
  out.append(reinterpret_cast<const char*>(c.values.data()), c.values.size() * sizeof(double));
  for (const auto& buf : c.optimizer_state.buffers)
    out.append(reinterpret_cast<const char*>(buf.data()), buf.size() * sizeof(double));
  put(out, crc(out.data(), out.size()));
  write_file_atomic(path, out);
}

std::string read_checkpoint_file(const std::filesystem::path& path) {
  // Only a regular file: a directory, FIFO or device in its place is named as such, and a stream
  // could feed the reader up to the (large) cap before failing.
  return read_file(path, kMaxBinaryFileBytes, NonRegular::refuse);
}

Checkpoint load_checkpoint(const std::filesystem::path& path) {
  return parse_checkpoint(read_checkpoint_file(path), path.string());
}

Checkpoint parse_checkpoint(std::string_view bytes, const std::string& name) {
  const auto bad = [&](const std::string& what) {
    return Error(fmt::format("{}: not a valid QMF checkpoint: {}", name, what));
  };
  // Counts in the header must be JSON integers >= 0 within `max`: nlohmann's get<integer>() casts
  // a floating-point value (4e35) without a range check, which is undefined behaviour.
  const auto count = [&](const nlohmann::json& j, const char* what,
                         uint64_t max = std::numeric_limits<uint64_t>::max()) {
    if (!j.is_number_unsigned() || j.get<uint64_t>() > max)
      throw bad(fmt::format("{} is {}, not an integer in [0, {}]", what, j.dump(), max));
    return j.get<uint64_t>();
  };
  constexpr auto kIntMax = static_cast<uint64_t>(std::numeric_limits<int>::max());
  constexpr auto kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (bytes.size() < sizeof(kMagic) || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
    throw bad("wrong magic number");
  if (bytes.size() < sizeof(kMagic) + 16)
    throw bad(fmt::format("truncated ({} bytes)", bytes.size()));
  const uint32_t stored = [&] {
    uint32_t v;
    std::memcpy(&v, bytes.data() + bytes.size() - 4, 4);
    return v;
  }();
  if (stored != crc(bytes.data(), bytes.size() - 4)) throw bad("checksum mismatch (corrupted)");
  Reader r(bytes, name);
  r.take(sizeof(kMagic), "magic");
  const auto version = r.get<uint32_t>("version");
  if (version < kOldestCheckpointVersion || version > kCheckpointVersion)
    throw bad(fmt::format("version {} (this qmf reads versions {} to {})", version,
                          kOldestCheckpointVersion, kCheckpointVersion));
  const auto header_size = r.get<uint64_t>("header size");
  // The header must leave room for the CRC after it: the payload size below is computed from
  // what is left between them, and would wrap around if the header ate into the CRC.
  if (header_size > bytes.size() - r.pos() - 4) throw bad("header size beyond the file");
  Checkpoint c;
  try {
    const auto h = nlohmann::json::parse(r.take(header_size, "header"));
    c.model_kind = h.at("model").get<std::string>();
    c.optimizer = h.at("optimizer").get<std::string>();
    c.optimizer_state.step = count(h.at("optimizer_step"), "optimizer_step");
    c.epochs_done = static_cast<int>(count(h.at("epochs_done"), "epochs_done", kIntMax));
    c.extra = h.at("extra");
    if (version >= 2) {
      const auto& p = h.at("epoch_progress");
      c.partial = {
          count(p.at("steps"), "epoch_progress.steps"), p.at("loss_sum").get<double>(),
          static_cast<int64_t>(count(p.at("correct"), "epoch_progress.correct", kInt64Max)),
          p.at("seconds").get<double>()};
    }
    // Sizes come from the file: each is checked against the bytes left before anything is
    // allocated, so a crafted header cannot ask for more memory than the file holds.
    size_t left = (bytes.size() - r.pos() - 4) / sizeof(double);
    const auto claim = [&](size_t n) {
      if (n > left)
        throw bad("truncated: the block and buffer sizes need more bytes than the file holds");
      left -= n;
      return n;
    };
    size_t offset = 0;
    for (const auto& b : h.at("blocks")) {
      const auto kind = b.at("kind").get<std::string>() == "quantum" ? nn::ParamKind::Quantum
                                                                     : nn::ParamKind::Classical;
      const size_t size = claim(count(b.at("size"), "a block size"));
      c.blocks.push_back({b.at("name").get<std::string>(), offset, size, kind});
      offset += size;
    }
    c.values.resize(offset);
    if (h.contains("buffers"))
      for (const auto& n : h.at("buffers"))
        c.optimizer_state.buffers.emplace_back(claim(count(n, "a buffer size")));
  } catch (const nlohmann::json::exception& e) {
    throw bad(fmt::format("bad header: {}", e.what()));
  }
  const auto read_doubles = [&](std::vector<double>& v) {
    const std::string_view raw = r.take(v.size() * sizeof(double), "parameters");
    // An empty block or buffer may have no storage at all: memcpy from/to null is undefined
    // even for 0 bytes.
    if (!raw.empty()) std::memcpy(v.data(), raw.data(), raw.size());
  };
  read_doubles(c.values);
  for (auto& buf : c.optimizer_state.buffers) read_doubles(buf);
  if (r.pos() + 4 != bytes.size()) throw bad("unexpected bytes after the payload");
  return c;
}

void restore(const Checkpoint& c, const std::string& model_kind, nn::ParameterArena& arena,
             nn::Optimizer* optimizer, const std::filesystem::path& source) {
  const auto mismatch = [&](const std::string& what) {
    return Error(
        fmt::format("{}: checkpoint does not match this model: {}", source.string(), what));
  };
  if (c.model_kind != model_kind)
    throw mismatch(fmt::format("it holds a '{}' model, not '{}'", c.model_kind, model_kind));
  const auto& blocks = arena.blocks();
  if (blocks.size() != c.blocks.size())
    throw mismatch(
        fmt::format("{} parameter blocks, the model has {}", c.blocks.size(), blocks.size()));
  for (size_t i = 0; i < blocks.size(); ++i)
    if (blocks[i].name != c.blocks[i].name || blocks[i].size != c.blocks[i].size)
      throw mismatch(fmt::format("block {} is {}[{}], the model has {}[{}]", i, c.blocks[i].name,
                                 c.blocks[i].size, blocks[i].name, blocks[i].size));
  if (optimizer && c.optimizer != name_of(optimizer->kind()))
    throw mismatch(
        fmt::format("optimiser '{}', the run uses '{}'", c.optimizer, name_of(optimizer->kind())));
  auto values = arena.values();
  std::copy(c.values.begin(), c.values.end(), values.begin());
  if (optimizer) optimizer->set_state(c.optimizer_state);
}

}  // namespace qmf::train
