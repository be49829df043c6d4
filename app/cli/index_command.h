// `footfall-cli index DIR`: a library index (CSV and JSON) of the takes in a folder, from their
// sidecars (generation/library_index.h). docs/batch.md.
#pragma once

#include <string>
#include <vector>

namespace footfall::cli {

// The arguments after "index". Returns the exit status: 0 when the index was written (takes
// that are not whole are left out and listed), 1 on an error.
int runIndexCommand(const std::vector<std::string>& args);

std::string indexUsage();

} // namespace footfall::cli
