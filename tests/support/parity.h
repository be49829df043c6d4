// Shared helpers for parity tests (header-only; model tests link torch).
//
//   FOOTFALL_REQUIRE_PARITY_DIR();                 // QSKIP when the fixture folder is absent
//   const auto c = footfall::test::loadParityCase("dit_forward");   // json + tensors
//   FOOTFALL_VERIFY_CLOSE(actual, c.expected("out_cfg1"), c.tolerance("out_cfg1"), "out_cfg1");
//
// The fixture folder comes from env FOOTFALL_PARITY_DIR, else the compile definition
// FOOTFALL_DEFAULT_PARITY_DIR. Comparison is numpy allclose: |a - e| <= atol + rtol * |e|,
// computed in float64, NaN never close.
#pragma once

#include "model/formats/safetensors.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

// After ATen: Qt headers define keyword macros that break Torch headers.
#include "parity_dir.h"

#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QtTest>

#include <cstdio>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace footfall::test {

// Throws std::runtime_error (fails the test) when the file is missing or not JSON.
inline nlohmann::json readJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open " + path);
    return nlohmann::json::parse(in);
}

struct Tolerance {
    double rtol = 1e-4;
    double atol = 1e-5;
};

// One case: <name>.json and <name>.safetensors with input.* / expected.* tensors.
struct ParityCase {
    std::string name;
    nlohmann::json json;
    footfall::model::SafetensorsFile data;

    at::Tensor input(const std::string& key) const { return data.tensorF32("input." + key); }
    at::Tensor expected(const std::string& key) const { return data.tensorF32("expected." + key); }
    bool hasInput(const std::string& key) const { return data.contains("input." + key); }
    bool hasExpected(const std::string& key) const { return data.contains("expected." + key); }
    // Names listed under "expected" in the JSON (falls back to the file's expected.* keys).
    std::vector<std::string> expectedNames() const {
        std::vector<std::string> out;
        if (json.contains("expected") && json["expected"].is_object()) {
            for (auto it = json["expected"].begin(); it != json["expected"].end(); ++it)
                out.push_back(it.key());
            return out;
        }
        for (const auto& k : data.keys())
            if (k.rfind("expected.", 0) == 0)
                out.push_back(k.substr(9));
        return out;
    }
    // "tolerance": {name: {rtol, atol}}; the README's single-module default otherwise.
    Tolerance tolerance(const std::string& key) const {
        Tolerance t;
        if (json.contains("tolerance") && json["tolerance"].contains(key)) {
            const auto& j = json["tolerance"][key];
            t.rtol = j.value("rtol", t.rtol);
            t.atol = j.value("atol", t.atol);
        }
        return t;
    }
    bool hasTolerance(const std::string& key) const {
        return json.contains("tolerance") && json["tolerance"].contains(key);
    }
    // The case's own {rtol, atol} for key, no default: throws (fails the test) when absent.
    Tolerance requiredTolerance(const std::string& key) const {
        if (!hasTolerance(key))
            throw std::runtime_error(name + ".json: no tolerance for '" + key + "'");
        const auto& j = json["tolerance"][key];
        if (!j.contains("rtol") || !j.contains("atol"))
            throw std::runtime_error(name + ".json: tolerance for '" + key +
                                     "' lacks rtol or atol");
        Tolerance t;
        t.rtol = j["rtol"].get<double>();
        t.atol = j["atol"].get<double>();
        return t;
    }
};

inline ParityCase loadParityCase(const std::string& name) {
    ParityCase c;
    c.name = name;
    c.json = readJsonFile(parityPath(name + ".json"));
    const std::string dataFile = c.json.value("data_file", name + ".safetensors");
    c.data = footfall::model::SafetensorsFile::open(parityPath(dataFile));
    return c;
}

struct CloseReport {
    bool ok = true;
    int64_t failures = 0; // elements outside tolerance (NaN included)
    int64_t numel = 0;
    double maxAbsErr = 0.0;  // over all elements
    double maxRelErr = 0.0;  // |a - e| / |e| where |e| > atol
    int64_t worstIndex = -1; // flat index of the largest |a - e| - (atol + rtol |e|)
    double worstActual = 0.0, worstExpected = 0.0;
    std::string message; // one line, for QVERIFY2 / qInfo
};

inline std::string shapeText(at::IntArrayRef s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i)
        out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

inline CloseReport allClose(const at::Tensor& actual, const at::Tensor& expected,
                            const Tolerance& tol, const std::string& label = "") {
    CloseReport r;
    char buf[512];
    if (!actual.defined() || !expected.defined() || actual.sizes() != expected.sizes()) {
        r.ok = false;
        r.message = label + ": shape " +
                    (actual.defined() ? shapeText(actual.sizes()) : std::string("(undefined)")) +
                    ", expected " +
                    (expected.defined() ? shapeText(expected.sizes()) : std::string("(undefined)"));
        return r;
    }
    const at::Tensor a = actual.detach().to(at::kCPU, at::kDouble).reshape({-1});
    const at::Tensor e = expected.detach().to(at::kCPU, at::kDouble).reshape({-1});
    r.numel = a.numel();
    if (r.numel == 0) {
        r.message = label + ": empty";
        return r;
    }
    const at::Tensor diff = (a - e).abs();
    const at::Tensor bound = tol.atol + tol.rtol * e.abs();
    const at::Tensor bad = diff.isnan().logical_or(diff > bound);
    r.failures = bad.sum().item<int64_t>();
    r.ok = r.failures == 0;
    const at::Tensor finiteDiff = at::nan_to_num(diff, std::numeric_limits<double>::infinity());
    r.maxAbsErr = finiteDiff.max().item<double>();
    const at::Tensor rel = at::where(e.abs() > tol.atol, finiteDiff / e.abs(), at::zeros_like(e));
    r.maxRelErr = rel.max().item<double>();
    r.worstIndex = (finiteDiff - bound).argmax().item<int64_t>();
    r.worstActual = a[r.worstIndex].item<double>();
    r.worstExpected = e[r.worstIndex].item<double>();
    std::snprintf(buf, sizeof buf,
                  "%s: %s, max abs err %.3g, max rel err %.3g (rtol %.3g, atol %.3g); %lld of %lld "
                  "outside; worst at flat index %lld: %.9g vs expected %.9g",
                  label.c_str(), r.ok ? "OK" : "MISMATCH", r.maxAbsErr, r.maxRelErr, tol.rtol,
                  tol.atol, static_cast<long long>(r.failures), static_cast<long long>(r.numel),
                  static_cast<long long>(r.worstIndex), r.worstActual, r.worstExpected);
    r.message = buf;
    return r;
}

} // namespace footfall::test

// Compares with allclose semantics, logs the max error, fails with a full report.
#define FOOTFALL_VERIFY_CLOSE(actual, expected, tol, label)                                        \
    do {                                                                                           \
        const auto footfallReport_ =                                                               \
            footfall::test::allClose((actual), (expected), (tol), std::string(label));             \
        qInfo("%s", footfallReport_.message.c_str());                                              \
        QVERIFY2(footfallReport_.ok, footfallReport_.message.c_str());                             \
    } while (false)
