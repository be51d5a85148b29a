#pragma once
// The sparkmedic-collect command line: parsing and checking (exit 2 on any usage problem,
// before anything is read), then the dry run or the collection, and the summary.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sm::collect {

// Runs the program; returns the process exit code (options.h: kExit*).
int run_cli(int argc, char** argv);

// "1048576", "512K", "1.5G" is not accepted (integers only), "2GiB", "0" (= no cap).
// K/M/G/T are powers of 1024. nullopt when unreadable or overflowing.
std::optional<uint64_t> parse_byte_size(std::string_view s);

}  // namespace sm::collect
