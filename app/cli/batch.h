// `footfall-cli batch MANIFEST`: every take of a manifest (cli/manifest.h) into one folder,
// optionally one shard of N, skipping takes that are already there and whole. docs/batch.md.
#pragma once

#include <string>
#include <vector>

namespace footfall::cli {

// The arguments after "batch". Returns the exit status: 0 when every take of this shard is
// there (made now or before), 1 otherwise (a row or take failed, or a signal stopped it).
int runBatchCommand(const std::vector<std::string>& args);

std::string batchUsage();

} // namespace footfall::cli
