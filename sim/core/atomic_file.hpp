// sim/core/atomic_file.hpp
// Outputs written whole or not at all.
//
// write_file_atomic: one file, through a temp file beside it with a name unique to this process
// and call (".<name>.<pid>.<n>.part"), then rename(2) over the target.
//
// OutputSet: a command's output folder (--out DIR) as one unit. Files go into a staging folder
// beside DIR (".<DIR>.rdusim-new-<pid>-<n>"); commit() puts the whole set in place:
//   - DIR absent: rename(staging, DIR), atomic.
//   - DIR present: renameat2(staging, DIR, RENAME_EXCHANGE) swaps the two folders atomically
//     (Linux >= 3.15, ext4/xfs/btrfs/tmpfs), then the old set (now under the staging name) is
//     removed. Where the exchange is not supported, DIR is renamed to ".<DIR>.rdusim-old-<pid>-<n>",
//     the staging folder to DIR, and the backup removed: a crash between those two renames leaves
//     no DIR, the complete old set under the -old- name and the complete new set under -new-.
// An error (the destructor without commit) removes the staging folder: DIR stays as it was. A
// kill leaves DIR as it was (or, after the exchange, the complete new set) and a stale staging
// folder beside it; the next OutputSet on the same DIR removes stale ones whose process is gone.
// Replacing DIR removes what was in it, so an existing DIR is replaced only when it holds nothing
// but output-like files (.json .md .png .txt .csv .svg, temp files .part .tmp, in any subfolders); anything else (a
// source tree) is an error naming the first foreign entry, and so is the working directory or a folder above it (`--out
// .`, `--out ..`).
#pragma once
#include <string>

namespace rdusim {
// Throws SimError(path, "", ...) when the file cannot be written.
void write_file_atomic(const std::string& path, const std::string& content);

class OutputSet {
 public:
  // `option` names the command-line option in errors (e.g. "--out").
  explicit OutputSet(const std::string& final_dir, const std::string& option = "--out");
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  const std::string& final_dir() const { return m_final; }
  const std::string& staging_dir() const { return m_staging; }
  // The staged path of `name` (relative to the set).
  std::string path(const std::string& name) const;
  // A path the user gave (e.g. --trace DIR/trace.json): inside DIR -> the staged path, so it
  // lands with the set; elsewhere -> unchanged.
  std::string redirect(const std::string& user_path) const;
  void write(const std::string& name, const std::string& content);
  // Puts the set in place; after it the destructor does nothing.
  void commit();

 private:
  std::string m_final, m_abs, m_staging, m_option;
  bool m_done = false;
};
}  // namespace rdusim
