#include "model/formats/zip_reader.h"

#include "base/errors.h"
#include "model/formats/mapped_file.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace footfall::model {

namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kEnd64LocatorSig = 0x07064b50;
constexpr uint32_t kEnd64Sig = 0x06064b50;
constexpr uint64_t kEndSize = 22;
constexpr uint64_t kEnd64LocatorSize = 20;
constexpr uint64_t kEnd64FixedSize = 56;
constexpr uint64_t kCentralFixedSize = 46;
constexpr uint64_t kLocalFixedSize = 30;
constexpr size_t kMaxEntries = 1u << 22;
constexpr size_t kMaxNameLength = 4096;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw GenerationError("cannot read '" + path + "' as a PyTorch zip checkpoint: " + what);
}

uint16_t le16(const uint8_t* p) {
    return uint16_t(p[0] | (p[1] << 8));
}
uint32_t le32(const uint8_t* p) {
    return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}
uint64_t le64(const uint8_t* p) {
    return uint64_t(le32(p)) | (uint64_t(le32(p + 4)) << 32);
}

const std::array<uint32_t, 256>& crcTable() {
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    return table;
}

} // namespace

uint32_t crc32(const uint8_t* data, uint64_t size, uint32_t crc) {
    const auto& table = crcTable();
    crc = ~crc;
    for (uint64_t i = 0; i < size; ++i)
        crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

bool ZipArchive::looksLikeZip(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    uint8_t head[4] = {0, 0, 0, 0};
    const ssize_t n = ::read(fd, head, sizeof head);
    ::close(fd);
    return n == 4 && le32(head) == kLocalHeaderSig;
}

uint64_t ZipArchive::fileSize() const {
    return m_mapping ? m_mapping->size() : 0;
}

const ZipArchive::Entry* ZipArchive::find(const std::string& name) const {
    auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_entries[it->second];
}

std::vector<uint8_t> ZipArchive::bytes(const Entry& entry) const {
    return m_mapping->bytes(entry.dataOffset, entry.size);
}

void ZipArchive::read(const Entry& entry, uint64_t offset, void* out, uint64_t count) const {
    if (offset > entry.size || count > entry.size - offset)
        fail(m_path, "a read past the end of entry '" + entry.name + "'");
    m_mapping->read(entry.dataOffset + offset, out, count);
}

void ZipArchive::verifyCrc(const Entry& entry) const {
    // In pieces through copies: the file may have been cut short since it was opened.
    constexpr uint64_t kPiece = 1 << 20;
    std::vector<uint8_t> piece(static_cast<size_t>(std::min(entry.size, kPiece)));
    uint32_t actual = 0;
    for (uint64_t done = 0; done < entry.size;) {
        const uint64_t n = std::min(kPiece, entry.size - done);
        m_mapping->read(entry.dataOffset + done, piece.data(), n);
        actual = crc32(piece.data(), n, actual);
        done += n;
    }
    if (actual != entry.crc32)
        fail(m_path, "entry '" + entry.name + "' is corrupt (CRC-32 mismatch)");
}

ZipArchive ZipArchive::open(const std::string& path) {
    ZipArchive zip;
    zip.m_path = path;
    zip.m_mapping = MappedFile::open(path, "PyTorch zip checkpoint");
    const MappedFile& file = *zip.m_mapping;
    const uint64_t size = file.size();
    if (size < kEndSize)
        fail(path,
             "the file is too short (" + std::to_string(size) + " bytes) to be a zip archive");
    // Everything below reads copies of the file's bytes (MappedFile), never the mapping itself.
    const std::vector<uint8_t> head = file.bytes(0, 4);
    if (le32(head.data()) != kLocalHeaderSig)
        fail(path, "it does not start with a zip local header (not a torch.save zip file; files "
                   "written with _use_new_zipfile_serialization=False are not supported)");

    // End of central directory: the last 22 + comment bytes.
    uint64_t endPos = 0;
    bool foundEnd = false;
    const uint64_t searchStart = size >= kEndSize + 0xFFFF ? size - kEndSize - 0xFFFF : 0;
    const std::vector<uint8_t> tail = file.bytes(searchStart, size - searchStart);
    const auto atTail = [&](uint64_t pos) { return tail.data() + (pos - searchStart); };
    for (uint64_t pos = size - kEndSize + 1; pos-- > searchStart;) {
        if (le32(atTail(pos)) == kEndSig && pos + kEndSize + le16(atTail(pos) + 20) == size) {
            endPos = pos;
            foundEnd = true;
            break;
        }
    }
    if (!foundEnd)
        fail(path, "no end-of-central-directory record (the file is truncated or not a zip)");
    const uint8_t* end = atTail(endPos);
    uint64_t diskNumber = le16(end + 4), cdDisk = le16(end + 6);
    uint64_t entriesOnDisk = le16(end + 8), totalEntries = le16(end + 10);
    uint64_t cdSize = le32(end + 12), cdOffset = le32(end + 16);
    uint64_t cdEnd = endPos; // where the central directory must end

    const bool needs64 = totalEntries == 0xFFFF || entriesOnDisk == 0xFFFF ||
                         cdSize == 0xFFFFFFFFu || cdOffset == 0xFFFFFFFFu;
    const std::vector<uint8_t> locator =
        endPos >= kEnd64LocatorSize ? file.bytes(endPos - kEnd64LocatorSize, kEnd64LocatorSize)
                                    : std::vector<uint8_t>();
    if (!locator.empty() && le32(locator.data()) == kEnd64LocatorSig) {
        const uint8_t* loc = locator.data();
        const uint64_t end64Pos = le64(loc + 8);
        if (le32(loc + 4) != 0 || le32(loc + 16) != 1)
            fail(path, "multi-volume zip64 archives are not supported");
        if (end64Pos > endPos - kEnd64LocatorSize ||
            endPos - kEnd64LocatorSize - end64Pos < kEnd64FixedSize)
            fail(path, "the zip64 end record offset is out of range");
        const std::vector<uint8_t> end64 = file.bytes(end64Pos, kEnd64FixedSize);
        const uint8_t* e64 = end64.data();
        if (le32(e64) != kEnd64Sig)
            fail(path, "the zip64 end record has a bad signature");
        const uint64_t recordSize = le64(e64 + 4);
        if (recordSize < kEnd64FixedSize - 12 ||
            recordSize + 12 != endPos - kEnd64LocatorSize - end64Pos)
            fail(path, "the zip64 end record has an inconsistent size");
        // The 32-bit fields must either be saturated or agree with the zip64 ones.
        auto agree = [&](uint64_t value32, uint64_t saturated, uint64_t value64, const char* what) {
            if (value32 != saturated && value32 != value64)
                fail(path, std::string("the end records disagree on the ") + what);
            return value64;
        };
        diskNumber = agree(diskNumber, 0xFFFF, le32(e64 + 16), "disk number");
        cdDisk = agree(cdDisk, 0xFFFF, le32(e64 + 20), "disk number");
        entriesOnDisk = agree(entriesOnDisk, 0xFFFF, le64(e64 + 24), "entry count");
        totalEntries = agree(totalEntries, 0xFFFF, le64(e64 + 32), "entry count");
        cdSize = agree(cdSize, 0xFFFFFFFFu, le64(e64 + 40), "central directory size");
        cdOffset = agree(cdOffset, 0xFFFFFFFFu, le64(e64 + 48), "central directory offset");
        cdEnd = end64Pos;
    } else if (needs64) {
        fail(path, "the archive needs zip64 records but has none");
    }
    if (diskNumber != 0 || cdDisk != 0 || entriesOnDisk != totalEntries)
        fail(path, "split / multi-disk zip archives are not supported");
    if (totalEntries == 0)
        fail(path, "the archive is empty");
    if (totalEntries > kMaxEntries)
        fail(path, "too many entries (" + std::to_string(totalEntries) + ")");
    if (cdOffset > cdEnd || cdSize != cdEnd - cdOffset)
        fail(path, "the central directory (offset " + std::to_string(cdOffset) + ", size " +
                       std::to_string(cdSize) +
                       ") does not end where the end record begins "
                       "(truncated file or data appended/prepended)");

    struct Range {
        uint64_t begin, end;
        size_t entry;
    };
    std::vector<Range> ranges;
    const std::vector<uint8_t> directory = file.bytes(cdOffset, cdEnd - cdOffset);
    uint64_t pos = cdOffset;
    for (uint64_t i = 0; i < totalEntries; ++i) {
        if (cdEnd - pos < kCentralFixedSize)
            fail(path, "the central directory is shorter than its " + std::to_string(totalEntries) +
                           " entries");
        const uint8_t* h = directory.data() + (pos - cdOffset);
        if (le32(h) != kCentralHeaderSig)
            fail(path, "central directory entry " + std::to_string(i) + " has a bad signature");
        const uint16_t flags = le16(h + 8);
        const uint16_t method = le16(h + 10);
        const uint32_t crc = le32(h + 16);
        uint64_t compressed = le32(h + 20);
        uint64_t uncompressed = le32(h + 24);
        const uint16_t nameLen = le16(h + 28);
        const uint16_t extraLen = le16(h + 30);
        const uint16_t commentLen = le16(h + 32);
        uint64_t entryDisk = le16(h + 34);
        uint64_t localOffset = le32(h + 42);
        const uint64_t entrySize = kCentralFixedSize + nameLen + extraLen + commentLen;
        if (cdEnd - pos < entrySize)
            fail(path, "central directory entry " + std::to_string(i) + " runs past its end");
        std::string name(reinterpret_cast<const char*>(h + kCentralFixedSize), nameLen);
        if (name.empty() || name.size() > kMaxNameLength || name.find('\0') != std::string::npos)
            fail(path, "central directory entry " + std::to_string(i) + " has an invalid name");
        const std::string what = "entry '" + name + "'";

        // zip64 extended information: present fields follow the order of the 0xFFFF.. markers.
        const uint8_t* extra = h + kCentralFixedSize + nameLen;
        for (uint64_t e = 0; e + 4 <= extraLen;) {
            const uint16_t id = le16(extra + e), len = le16(extra + e + 2);
            if (e + 4 + len > extraLen)
                fail(path, what + " has a malformed extra field");
            if (id == 0x0001) {
                const uint8_t* z = extra + e + 4;
                uint64_t used = 0;
                auto take64 = [&](uint64_t& value) {
                    if (used + 8 > len)
                        fail(path, what + " has a short zip64 extra field");
                    value = le64(z + used);
                    used += 8;
                };
                if (uncompressed == 0xFFFFFFFFu)
                    take64(uncompressed);
                if (compressed == 0xFFFFFFFFu)
                    take64(compressed);
                if (localOffset == 0xFFFFFFFFu)
                    take64(localOffset);
                if (entryDisk == 0xFFFF) {
                    if (used + 4 > len)
                        fail(path, what + " has a short zip64 extra field");
                    entryDisk = le32(z + used);
                }
            }
            e += 4 + uint64_t(len);
        }
        if (uncompressed == 0xFFFFFFFFu || compressed == 0xFFFFFFFFu || localOffset == 0xFFFFFFFFu)
            fail(path, what + " lacks the zip64 sizes its header announces");
        if (entryDisk != 0)
            fail(path, what + " lives on another disk (split archive)");
        if (flags & 0x0001 || flags & 0x0040 || flags & 0x2000)
            fail(path, what + " is encrypted");
        if (method != 0)
            fail(path, what + " is compressed (method " + std::to_string(method) +
                           "); torch.save stores entries uncompressed — re-save the file "
                           "with torch.save, do not re-zip it");
        if (compressed != uncompressed)
            fail(path, what + " has different stored and uncompressed sizes");

        // The local header: fixed part, name and extra field, then the data.
        if (localOffset > cdOffset || cdOffset - localOffset < kLocalFixedSize)
            fail(path, what + " has a local header offset outside the archive");
        const std::vector<uint8_t> local = file.bytes(localOffset, kLocalFixedSize);
        const uint8_t* l = local.data();
        if (le32(l) != kLocalHeaderSig)
            fail(path, what + " has a bad local header signature");
        if (le16(l + 8) != method)
            fail(path, what + ": local and central headers disagree on the compression method");
        const uint64_t localNameLen = le16(l + 26), localExtraLen = le16(l + 28);
        const uint64_t dataOffset = localOffset + kLocalFixedSize + localNameLen + localExtraLen;
        if (dataOffset > cdOffset)
            fail(path, what + "'s local header runs past the central directory");
        if (localNameLen != nameLen || file.bytes(localOffset + kLocalFixedSize, nameLen) !=
                                           std::vector<uint8_t>(name.begin(), name.end()))
            fail(path, what + ": local and central headers disagree on the name");
        if (uncompressed > cdOffset - dataOffset)
            fail(path, what + " (" + std::to_string(uncompressed) + " bytes at offset " +
                           std::to_string(dataOffset) +
                           ") extends past the central directory: the file is truncated or "
                           "corrupt");
        if (zip.m_index.count(name))
            fail(path, "duplicate entry '" + name + "'");
        zip.m_index.emplace(name, zip.m_entries.size());
        ranges.push_back({localOffset, dataOffset + uncompressed, zip.m_entries.size()});
        zip.m_entries.push_back({std::move(name), dataOffset, uncompressed, crc});
        pos += entrySize;
    }
    if (pos != cdEnd)
        fail(path, "the central directory holds more data than its entries");
    std::sort(ranges.begin(), ranges.end(),
              [](const Range& a, const Range& b) { return a.begin < b.begin; });
    for (size_t i = 1; i < ranges.size(); ++i)
        if (ranges[i].begin < ranges[i - 1].end)
            fail(path, "entries '" + zip.m_entries[ranges[i - 1].entry].name + "' and '" +
                           zip.m_entries[ranges[i].entry].name + "' overlap");
    return zip;
}

} // namespace footfall::model
