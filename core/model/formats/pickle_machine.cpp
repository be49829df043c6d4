// The restricted unpickler: allowed globals, the opcode loop and its stack, memo and marks, and
// the interpretation of the whitelisted callables (tensor rebuilds, OrderedDict, ...).
#include "model/formats/pickle_machine.h"

#include "base/errors.h"

#include <cstdio>
#include <cstring>
#include <limits>
#include <unordered_map>

namespace footfall::model {

std::string printableText(const std::string& s) {
    std::string out;
    for (char c : s.substr(0, 80))
        out += (c >= 32 && c < 127) ? c : '?';
    return out;
}

int64_t PickledTensor::numel() const {
    int64_t n = 1;
    for (int64_t s : sizes)
        n *= s;
    return n;
}

const PickleValue* PickleValue::get(const std::string& key) const {
    if (kind != Kind::Dict)
        return nullptr;
    for (const auto& [k, v] : entries)
        if (k->kind == Kind::String && k->text == key)
            return v;
    return nullptr;
}

const char* PickleValue::kindName(Kind kind) {
    switch (kind) {
    case Kind::None:
        return "None";
    case Kind::Bool:
        return "bool";
    case Kind::Int:
        return "int";
    case Kind::Float:
        return "float";
    case Kind::String:
        return "str";
    case Kind::Bytes:
        return "bytes";
    case Kind::Tuple:
        return "tuple";
    case Kind::List:
        return "list";
    case Kind::Dict:
        return "dict";
    case Kind::Tensor:
        return "tensor";
    case Kind::Global:
        return "global";
    case Kind::Storage:
        return "storage";
    }
    return "?";
}

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw GenerationError("cannot load '" + path + "': " + what);
}

struct StorageType {
    const char* name;
    at::ScalarType dtype;
};
// torch.<Name>Storage as pickled by torch.save (typed storages), plus the untyped one (bytes).
constexpr StorageType kStorageTypes[] = {
    {"torch.FloatStorage", at::kFloat},  {"torch.DoubleStorage", at::kDouble},
    {"torch.HalfStorage", at::kHalf},    {"torch.BFloat16Storage", at::kBFloat16},
    {"torch.LongStorage", at::kLong},    {"torch.IntStorage", at::kInt},
    {"torch.ShortStorage", at::kShort},  {"torch.CharStorage", at::kChar},
    {"torch.ByteStorage", at::kByte},    {"torch.BoolStorage", at::kBool},
    {"torch.UntypedStorage", at::kByte},
};
constexpr StorageType kDtypes[] = {
    {"torch.float32", at::kFloat},     {"torch.float64", at::kDouble}, {"torch.float16", at::kHalf},
    {"torch.bfloat16", at::kBFloat16}, {"torch.int64", at::kLong},     {"torch.int32", at::kInt},
    {"torch.int16", at::kShort},       {"torch.int8", at::kChar},      {"torch.uint8", at::kByte},
    {"torch.bool", at::kBool},
};
// Callables the unpickler may "call" (it interprets them itself; nothing is executed).
constexpr const char* kCallables[] = {
    "collections.OrderedDict",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch._tensor._rebuild_from_type_v2",
    "torch.Size",
    "torch.device",
    "_codecs.encode",
};
// Globals that may appear only as arguments.
constexpr const char* kTypeArguments[] = {"torch.Tensor", "torch.nn.parameter.Parameter"};

bool isStorageType(const std::string& name, at::ScalarType* dtype = nullptr) {
    for (const auto& s : kStorageTypes)
        if (name == s.name) {
            if (dtype)
                *dtype = s.dtype;
            return true;
        }
    return false;
}
bool isDtype(const std::string& name, at::ScalarType* dtype = nullptr) {
    for (const auto& s : kDtypes)
        if (name == s.name) {
            if (dtype)
                *dtype = s.dtype;
            return true;
        }
    return false;
}
bool isAllowedGlobal(const std::string& name) {
    if (isStorageType(name) || isDtype(name))
        return true;
    for (const char* c : kCallables)
        if (name == c)
            return true;
    for (const char* c : kTypeArguments)
        if (name == c)
            return true;
    return false;
}

class RestrictedUnpickler {
public:
    RestrictedUnpickler(const std::string& path, const uint8_t* data, uint64_t size,
                        std::deque<PickleValue>& arena, const StorageCheck& checkStorage)
        : m_path(path), m_data(data), m_size(size), m_arena(arena), m_checkStorage(checkStorage) {}

    const PickleValue* run();
    size_t tensorCount() const { return m_tensorCount; }

private:
    using Kind = PickleValue::Kind;
    [[noreturn]] void error(const std::string& what) const {
        fail(m_path, "data.pkl byte " + std::to_string(m_opcodePos) + ": " + what);
    }
    const uint8_t* take(uint64_t n) {
        if (n > m_size - m_pos)
            error("the pickle ends in the middle of an instruction (truncated file?)");
        const uint8_t* p = m_data + m_pos;
        m_pos += n;
        return p;
    }
    uint64_t readLE(int bytes) {
        const uint8_t* p = take(uint64_t(bytes));
        uint64_t v = 0;
        for (int i = bytes - 1; i >= 0; --i)
            v = (v << 8) | p[i];
        return v;
    }
    std::string readLine() {
        std::string line;
        while (true) {
            const char c = char(*take(1));
            if (c == '\n')
                return line;
            if (line.size() > 256)
                error("an over-long GLOBAL name");
            line += c;
        }
    }
    PickleValue* make(Kind kind) {
        m_arena.emplace_back();
        PickleValue* v = &m_arena.back();
        v->kind = kind;
        return v;
    }
    void push(const PickleValue* v) {
        if (m_stack.size() > (1u << 24))
            error("the pickle stack grows without bound");
        m_stack.push_back(v);
    }
    const PickleValue* pop() {
        if (m_stack.size() <= (m_marks.empty() ? 0 : m_marks.back()))
            error("stack underflow (malformed pickle)");
        const PickleValue* v = m_stack.back();
        m_stack.pop_back();
        return v;
    }
    const PickleValue* top() {
        if (m_stack.size() <= (m_marks.empty() ? 0 : m_marks.back()))
            error("stack underflow (malformed pickle)");
        return m_stack.back();
    }
    std::vector<const PickleValue*> popToMark() {
        if (m_marks.empty())
            error("no MARK on the stack (malformed pickle)");
        const size_t mark = m_marks.back();
        m_marks.pop_back();
        std::vector<const PickleValue*> items(m_stack.begin() + long(mark), m_stack.end());
        m_stack.resize(mark);
        return items;
    }
    PickleValue* mutableTop(Kind kind, const char* op) {
        const PickleValue* v = top();
        if (v->kind != kind)
            error(std::string(op) + " applied to a " + PickleValue::kindName(v->kind));
        return const_cast<PickleValue*>(v);
    }
    void memoPut(uint64_t index) { m_memo[index] = top(); }
    const PickleValue* memoGet(uint64_t index) {
        auto it = m_memo.find(index);
        if (it == m_memo.end())
            error("memo entry " + std::to_string(index) + " does not exist");
        return it->second;
    }
    const PickleValue* makeInt(int64_t v) {
        PickleValue* p = make(Kind::Int);
        p->integer = v;
        return p;
    }
    const PickleValue* makeString(Kind kind, uint64_t length) {
        if (length > m_size - m_pos)
            error("a string runs past the end of the pickle (truncated file?)");
        PickleValue* p = make(kind);
        p->text.assign(reinterpret_cast<const char*>(take(length)), length);
        return p;
    }
    const PickleValue* global(const std::string& module, const std::string& name) {
        const std::string full = module + "." + name;
        if (!isAllowedGlobal(full))
            fail(m_path,
                 "refusing to load it: its pickle references '" + printableText(full) +
                     "', which is not needed to rebuild tensors (only tensors, storages, "
                     "OrderedDict and plain containers are accepted). Loading such a file in "
                     "Python could run arbitrary code; do not trust it.");
        PickleValue* p = make(Kind::Global);
        p->text = full;
        return p;
    }
    void setItem(PickleValue* dict, const PickleValue* key, const PickleValue* value) {
        if (key->kind == Kind::Dict || key->kind == Kind::List)
            error("an unhashable dict key");
        dict->entries.emplace_back(key, value);
    }
    const PickleValue* persistentLoad(const PickleValue* pid);
    const PickleValue* reduce(const PickleValue* callable, const PickleValue* args);
    const PickleValue* rebuildTensor(const std::vector<const PickleValue*>& args, bool v3);
    int64_t intArg(const PickleValue* v, const char* what) {
        if (v->kind == Kind::Bool)
            return v->boolean ? 1 : 0;
        if (v->kind != Kind::Int)
            error(std::string(what) + " must be an int, not " + PickleValue::kindName(v->kind));
        return v->integer;
    }
    std::vector<int64_t> intTuple(const PickleValue* v, const char* what) {
        if (v->kind != Kind::Tuple && v->kind != Kind::List)
            error(std::string(what) + " must be a tuple of ints");
        if (v->items.size() > 32)
            error(std::string(what) + " has more than 32 dimensions");
        std::vector<int64_t> out;
        for (const PickleValue* item : v->items)
            out.push_back(intArg(item, what));
        return out;
    }
    void requireNoHooks(const PickleValue* hooks) {
        if (hooks->kind == Kind::None)
            return;
        if (hooks->kind != Kind::Dict || !hooks->entries.empty())
            error("tensors with backward hooks are not supported");
    }

    const std::string& m_path;
    const uint8_t* m_data;
    uint64_t m_size;
    std::deque<PickleValue>& m_arena;
    const StorageCheck& m_checkStorage;
    size_t m_tensorCount = 0;
    uint64_t m_pos = 0;
    uint64_t m_opcodePos = 0;
    std::vector<const PickleValue*> m_stack;
    std::vector<size_t> m_marks;
    std::unordered_map<uint64_t, const PickleValue*> m_memo;
};

const PickleValue* RestrictedUnpickler::persistentLoad(const PickleValue* pid) {
    // ('storage', storage_type, key, location, numel)
    if (pid->kind != Kind::Tuple || pid->items.size() != 5 || pid->items[0]->kind != Kind::String ||
        pid->items[0]->text != "storage")
        error("unsupported persistent id (only ('storage', type, key, location, numel) "
              "tuples of torch.save are accepted)");
    const PickleValue* type = pid->items[1];
    const PickleValue* key = pid->items[2];
    const PickleValue* location = pid->items[3];
    at::ScalarType dtype = at::kFloat;
    if (type->kind != Kind::Global || !isStorageType(type->text, &dtype))
        error("a storage of unsupported type");
    if (key->kind != Kind::String || key->text.empty() || key->text.size() > 64 ||
        key->text.find('/') != std::string::npos || key->text.find("..") != std::string::npos)
        error("a storage with an invalid key");
    if (location->kind != Kind::String)
        error("a storage with an invalid location");
    const int64_t numel = intArg(pid->items[4], "storage size");
    if (numel < 0)
        error("a storage with a negative size");
    const std::string problem = m_checkStorage(key->text, dtype, numel);
    if (!problem.empty())
        error(problem);
    PickleValue* v = make(Kind::Storage);
    v->text = key->text;
    v->integer = numel;
    v->tensor.location = location->text;
    v->tensor.dtype = dtype;
    return v;
}

const PickleValue* RestrictedUnpickler::rebuildTensor(const std::vector<const PickleValue*>& args,
                                                      bool v3) {
    // v2: (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    // v3: (storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype[, metadata])
    const size_t minArgs = v3 ? 7 : 6;
    if (args.size() < minArgs || args.size() > minArgs + 1)
        error(std::string(v3 ? "_rebuild_tensor_v3" : "_rebuild_tensor_v2") + " called with " +
              std::to_string(args.size()) + " arguments");
    const PickleValue* storage = args[0];
    if (storage->kind != Kind::Storage)
        error("a tensor whose storage is not a torch.save storage");
    const at::ScalarType storageDtype = storage->tensor.dtype;
    PickleValue* t = make(Kind::Tensor);
    PickledTensor& d = t->tensor;
    d.storageKey = storage->text;
    d.location = storage->tensor.location;
    d.dtype = storageDtype;
    int64_t storageNumel = storage->integer;
    if (v3) {
        at::ScalarType dtype = at::kFloat;
        if (args[6]->kind != Kind::Global || !isDtype(args[6]->text, &dtype))
            error("_rebuild_tensor_v3 with an unsupported dtype");
        const int64_t itemSize = int64_t(c10::elementSize(dtype));
        const int64_t storageBytes = storage->integer * int64_t(c10::elementSize(storageDtype));
        d.dtype = dtype;
        storageNumel = storageBytes / itemSize;
    }
    d.storageOffset = intArg(args[1], "storage offset");
    d.sizes = intTuple(args[2], "tensor size");
    d.strides = intTuple(args[3], "tensor stride");
    intArg(args[4], "requires_grad");
    requireNoHooks(args[5]);
    if (d.sizes.size() != d.strides.size())
        error("a tensor whose size and stride have different lengths");
    if (d.storageOffset < 0)
        error("a tensor with a negative storage offset");
    const int64_t limit = std::numeric_limits<int64_t>::max() / 4;
    int64_t numel = 1, lastIndex = 0;
    for (size_t i = 0; i < d.sizes.size(); ++i) {
        if (d.sizes[i] < 0 || d.strides[i] < 0)
            error("a tensor with a negative size or stride");
        if (d.sizes[i] == 0) {
            numel = 0;
            continue;
        }
        if (numel > limit / d.sizes[i] ||
            (d.sizes[i] > 1 && d.strides[i] > limit / (d.sizes[i] - 1)))
            error("a tensor with an absurd size");
        numel *= d.sizes[i];
        lastIndex += (d.sizes[i] - 1) * d.strides[i];
        if (lastIndex > limit)
            error("a tensor with an absurd size");
    }
    if (numel == 0 ? d.storageOffset > storageNumel
                   : d.storageOffset > storageNumel || lastIndex >= storageNumel - d.storageOffset)
        error("tensor of size " + std::to_string(numel) + " (offset " +
              std::to_string(d.storageOffset) + ") reads past the end of storage '" + d.storageKey +
              "' (" + std::to_string(storageNumel) + " elements)");
    ++m_tensorCount;
    return t;
}

const PickleValue* RestrictedUnpickler::reduce(const PickleValue* callable,
                                               const PickleValue* args) {
    if (callable->kind != Kind::Global)
        error(std::string("REDUCE of a ") + PickleValue::kindName(callable->kind) +
              " (only whitelisted functions may be called)");
    if (args->kind != Kind::Tuple)
        error("REDUCE with arguments that are not a tuple");
    const std::string& name = callable->text;
    const auto& a = args->items;
    if (name == "collections.OrderedDict") {
        PickleValue* dict = make(Kind::Dict);
        if (a.empty())
            return dict;
        if (a.size() != 1 || (a[0]->kind != Kind::List && a[0]->kind != Kind::Tuple))
            error("OrderedDict() with unsupported arguments");
        for (const PickleValue* pair : a[0]->items) {
            if (pair->kind != Kind::Tuple && pair->kind != Kind::List)
                error("OrderedDict() with items that are not pairs");
            if (pair->items.size() != 2)
                error("OrderedDict() with items that are not pairs");
            setItem(dict, pair->items[0], pair->items[1]);
        }
        return dict;
    }
    if (name == "torch._utils._rebuild_tensor_v2")
        return rebuildTensor(a, false);
    if (name == "torch._utils._rebuild_tensor_v3")
        return rebuildTensor(a, true);
    if (name == "torch._utils._rebuild_parameter" ||
        name == "torch._utils._rebuild_parameter_with_state") {
        // (data, requires_grad, backward_hooks[, state])
        const size_t n = name == "torch._utils._rebuild_parameter" ? 3 : 4;
        if (a.size() != n || a[0]->kind != Kind::Tensor)
            error(name + " with unsupported arguments");
        requireNoHooks(a[2]);
        return a[0];
    }
    if (name == "torch._tensor._rebuild_from_type_v2") {
        // (func, new_type, args, state): only plain tensors / parameters
        if (a.size() != 4 || a[0]->kind != Kind::Global || a[1]->kind != Kind::Global ||
            a[2]->kind != Kind::Tuple)
            error("_rebuild_from_type_v2 with unsupported arguments");
        if (a[1]->text != "torch.Tensor" && a[1]->text != "torch.nn.parameter.Parameter")
            error("a tensor subclass '" + printableText(a[1]->text) + "'");
        if (a[0]->text == "torch._tensor._rebuild_from_type_v2")
            error("nested _rebuild_from_type_v2");
        const PickleValue* result = reduce(a[0], a[2]);
        if (result->kind != Kind::Tensor)
            error("_rebuild_from_type_v2 that does not build a tensor");
        return result;
    }
    if (name == "torch.Size") {
        if (a.size() != 1)
            error("torch.Size with unsupported arguments");
        intTuple(a[0], "torch.Size");
        return a[0];
    }
    if (name == "torch.device") {
        if (a.empty() || a[0]->kind != Kind::String)
            error("torch.device with unsupported arguments");
        return a[0];
    }
    if (name == "_codecs.encode") {
        if (a.size() != 2 || a[0]->kind != Kind::String || a[1]->kind != Kind::String ||
            (a[1]->text != "latin1" && a[1]->text != "latin-1"))
            error("_codecs.encode with unsupported arguments");
        // The text is UTF-8 for code points < 256; latin-1 maps each to one byte.
        PickleValue* bytes = make(Kind::Bytes);
        const std::string& s = a[0]->text;
        for (size_t i = 0; i < s.size(); ++i) {
            const auto c = uint8_t(s[i]);
            if (c < 0x80) {
                bytes->text += char(c);
            } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size() && c <= 0xC3) {
                bytes->text += char(((c & 0x1F) << 6) | (uint8_t(s[i + 1]) & 0x3F));
                ++i;
            } else {
                error("_codecs.encode of text that is not latin-1");
            }
        }
        return bytes;
    }
    error("'" + printableText(name) + "' cannot be called");
}

const PickleValue* RestrictedUnpickler::run() {
    while (true) {
        m_opcodePos = m_pos;
        const uint8_t op = *take(1);
        switch (op) {
        case 0x80: { // PROTO
            const uint8_t proto = *take(1);
            if (proto > 5)
                error("unsupported pickle protocol " + std::to_string(proto));
            break;
        }
        case 0x95: // FRAME
            readLE(8);
            break;
        case '.': { // STOP
            const PickleValue* result = pop();
            if (!m_stack.empty() || !m_marks.empty())
                error("data left on the stack at STOP (malformed pickle)");
            return result;
        }
        case '(': // MARK
            m_marks.push_back(m_stack.size());
            break;
        case '0': // POP
            pop();
            break;
        case '1': // POP_MARK
            popToMark();
            break;
        case 'N':
            push(make(Kind::None));
            break;
        case 0x88:
        case 0x89: { // NEWTRUE / NEWFALSE
            PickleValue* v = make(Kind::Bool);
            v->boolean = op == 0x88;
            push(v);
            break;
        }
        case 'J': // BININT
            push(makeInt(int32_t(uint32_t(readLE(4)))));
            break;
        case 'K': // BININT1
            push(makeInt(int64_t(readLE(1))));
            break;
        case 'M': // BININT2
            push(makeInt(int64_t(readLE(2))));
            break;
        case 0x8a: { // LONG1
            const uint64_t n = readLE(1);
            if (n > 8)
                error("an integer wider than 64 bits");
            uint64_t v = n ? readLE(int(n)) : 0;
            if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1)
                v |= ~uint64_t(0) << (8 * n); // sign-extend
            push(makeInt(int64_t(v)));
            break;
        }
        case 'G': { // BINFLOAT (big-endian)
            const uint8_t* p = take(8);
            uint64_t bits = 0;
            for (int i = 0; i < 8; ++i)
                bits = (bits << 8) | p[i];
            PickleValue* v = make(Kind::Float);
            std::memcpy(&v->real, &bits, 8);
            push(v);
            break;
        }
        case 'X': // BINUNICODE
            push(makeString(Kind::String, readLE(4)));
            break;
        case 0x8c: // SHORT_BINUNICODE
            push(makeString(Kind::String, readLE(1)));
            break;
        case 0x8d: // BINUNICODE8
            push(makeString(Kind::String, readLE(8)));
            break;
        case 'B': // BINBYTES
            push(makeString(Kind::Bytes, readLE(4)));
            break;
        case 'C': // SHORT_BINBYTES
            push(makeString(Kind::Bytes, readLE(1)));
            break;
        case 0x8e: // BINBYTES8
            push(makeString(Kind::Bytes, readLE(8)));
            break;
        case ')':
            push(make(Kind::Tuple));
            break;
        case 't': { // TUPLE
            PickleValue* v = make(Kind::Tuple);
            v->items = popToMark();
            push(v);
            break;
        }
        case 0x85:
        case 0x86:
        case 0x87: { // TUPLE1..3
            const int n = op - 0x84;
            PickleValue* v = make(Kind::Tuple);
            v->items.resize(size_t(n));
            for (int i = n - 1; i >= 0; --i)
                v->items[size_t(i)] = pop();
            push(v);
            break;
        }
        case ']':
            push(make(Kind::List));
            break;
        case 'l': { // LIST
            PickleValue* v = make(Kind::List);
            v->items = popToMark();
            push(v);
            break;
        }
        case 'a': { // APPEND
            const PickleValue* item = pop();
            mutableTop(Kind::List, "APPEND")->items.push_back(item);
            break;
        }
        case 'e': { // APPENDS
            auto items = popToMark();
            PickleValue* list = mutableTop(Kind::List, "APPENDS");
            list->items.insert(list->items.end(), items.begin(), items.end());
            break;
        }
        case '}':
            push(make(Kind::Dict));
            break;
        case 'd': { // DICT
            auto items = popToMark();
            if (items.size() % 2)
                error("DICT with an odd number of items");
            PickleValue* v = make(Kind::Dict);
            for (size_t i = 0; i < items.size(); i += 2)
                setItem(v, items[i], items[i + 1]);
            push(v);
            break;
        }
        case 's': { // SETITEM
            const PickleValue* value = pop();
            const PickleValue* key = pop();
            setItem(mutableTop(Kind::Dict, "SETITEM"), key, value);
            break;
        }
        case 'u': { // SETITEMS
            auto items = popToMark();
            if (items.size() % 2)
                error("SETITEMS with an odd number of items");
            PickleValue* dict = mutableTop(Kind::Dict, "SETITEMS");
            for (size_t i = 0; i < items.size(); i += 2)
                setItem(dict, items[i], items[i + 1]);
            break;
        }
        case 'q': // BINPUT
            memoPut(readLE(1));
            break;
        case 'r': // LONG_BINPUT
            memoPut(readLE(4));
            break;
        case 0x94: // MEMOIZE
            memoPut(m_memo.size());
            break;
        case 'h': // BINGET
            push(memoGet(readLE(1)));
            break;
        case 'j': // LONG_BINGET
            push(memoGet(readLE(4)));
            break;
        case 'c': { // GLOBAL
            const std::string module = readLine();
            const std::string name = readLine();
            push(global(module, name));
            break;
        }
        case 0x93: { // STACK_GLOBAL
            const PickleValue* name = pop();
            const PickleValue* module = pop();
            if (name->kind != Kind::String || module->kind != Kind::String)
                error("STACK_GLOBAL with non-string names");
            push(global(module->text, name->text));
            break;
        }
        case 'R': { // REDUCE
            const PickleValue* args = pop();
            const PickleValue* callable = pop();
            push(reduce(callable, args));
            break;
        }
        case 'b': { // BUILD: only state that carries no behaviour is accepted (and ignored)
            const PickleValue* state = pop();
            const PickleValue* target = top();
            const bool emptyState = state->kind == Kind::None ||
                                    (state->kind == Kind::Dict && state->entries.empty()) ||
                                    (state->kind == Kind::Tuple && state->items.empty());
            if (target->kind == Kind::Dict) {
                // OrderedDict attributes, e.g. a state_dict's `_metadata` (version numbers)
                if (state->kind != Kind::Dict && !emptyState) {
                    const bool pair = state->kind == Kind::Tuple && state->items.size() == 2;
                    if (!pair)
                        error("BUILD of a dict with unsupported state");
                }
            } else if (target->kind == Kind::Tensor) {
                if (!emptyState)
                    error("BUILD of a tensor with state (tensor subclasses are not supported)");
            } else {
                error(std::string("BUILD of a ") + PickleValue::kindName(target->kind));
            }
            break;
        }
        case 'Q': { // BINPERSID
            const PickleValue* pid = pop();
            push(persistentLoad(pid));
            break;
        }
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", op);
            std::string shown = (op >= 32 && op < 127) ? std::string(" '") + char(op) + "'" : "";
            error(std::string("unsupported pickle opcode ") + hex + shown +
                  " (only the opcodes torch.save needs for tensors and containers are "
                  "accepted)");
        }
        }
    }
}

} // namespace

Unpickled unpickleRestricted(const std::string& path, const uint8_t* data, uint64_t size,
                             std::deque<PickleValue>& arena, const StorageCheck& checkStorage) {
    static_assert(sizeof(double) == 8, "IEEE double expected");
    RestrictedUnpickler unpickler(path, data, size, arena, checkStorage);
    Unpickled out;
    out.root = unpickler.run();
    out.tensorCount = unpickler.tensorCount();
    return out;
}

} // namespace footfall::model
