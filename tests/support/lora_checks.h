// Checks shared by the checkpoint and LoRA reader tests (header-only; model tests link torch):
//
//   VERIFY_ERROR(readLoraFile(path), "refusing"); // throws a GenerationError mentioning it
//   QVERIFY(bitEqual(a, b));                      // same dtype, shape and bytes
#pragma once

#include "base/errors.h"

#include <ATen/ATen.h>

#include <QString>
#include <QtTest>

#include <cstring>
#include <exception>

namespace footfall::test {

// The message of the GenerationError f throws, "NOT A GenerationError: ..." for any other
// exception, or an empty string when it throws nothing.
template <typename F> QString errorOf(F&& f) {
    try {
        f();
    } catch (const GenerationError& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QStringLiteral("NOT A GenerationError: ") + e.what();
    }
    return QString();
}

inline bool bitEqual(const at::Tensor& a, const at::Tensor& b) {
    if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes())
        return false;
    const at::Tensor ca = a.contiguous().cpu(), cb = b.contiguous().cpu();
    return std::memcmp(ca.data_ptr(), cb.data_ptr(), size_t(ca.nbytes())) == 0;
}

} // namespace footfall::test

// expr throws a GenerationError whose message contains needle (case-insensitive).
#define VERIFY_ERROR(expr, needle)                                                                 \
    do {                                                                                           \
        const QString message_ = footfall::test::errorOf([&] { expr; });                           \
        QVERIFY2(!message_.isEmpty(), "no error thrown by " #expr);                                \
        QVERIFY2(!message_.startsWith("NOT A"), qPrintable(message_));                             \
        QVERIFY2(message_.contains(needle, Qt::CaseInsensitive),                                   \
                 qPrintable("'" + message_ + "' lacks '" + QString(needle) + "'"));                \
    } while (false)
