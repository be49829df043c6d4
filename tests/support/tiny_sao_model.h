// A stable-audio-open folder as downloaded, built from the tiny parity model:
//   model_config.json (the parity config with sample_size 22048: a 0.5 s window),
//   model.safetensors, text_encoder/{config.json, model.safetensors},
//   tokenizer/spiece.model (64 pieces with T5's id layout, trained here with spm_train).
//
//   const TinySaoModel tiny = buildTinySaoModel(parityDir, tmp.path());
//   if (!tiny.skipReason.isEmpty()) FOOTFALL_SKIP_UNLESS_CI(qPrintable(tiny.skipReason));
//   QVERIFY2(tiny.error.isEmpty(), qPrintable(tiny.error));
//
// Header-only and Torch-free: the CLI tests use it too.
#pragma once

#include "skip.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QString>

#include <fstream>

namespace footfall::test {

struct TinySaoModel {
    QString folder;     // the complete model folder
    QString spiece;     // the trained tokenizer (also copied into the folder)
    QString skipReason; // a tool is missing: skip (fail under CI=true), see skip.h
    QString error;      // something went wrong: fail
};

// Copies `from` to `to`, creating the folder and replacing what is there.
inline bool copyReplacing(const QString& from, const QString& to) {
    QDir().mkpath(QFileInfo(to).absolutePath());
    QFile::remove(to);
    return QFile::copy(from, to);
}

// Builds the folder as `workDir`/stable-audio-open-tiny (and the tokenizer under `workDir`).
inline TinySaoModel buildTinySaoModel(const QString& parityDir, const QString& workDir) {
    TinySaoModel tiny;
    const QString spmTrain = QStandardPaths::findExecutable("spm_train");
    if (spmTrain.isEmpty()) {
        tiny.skipReason = "spm_train not installed (Debian package 'sentencepiece')";
        return tiny;
    }
    const QDir work(workDir);
    // A tiny spiece.model with T5's id layout; its 64 pieces fit the tiny T5's 128 ids.
    const QString corpus = work.filePath("corpus.txt");
    {
        std::ofstream out(corpus.toStdString());
        const char* words[] = {"footsteps", "on",       "gravel", "wooden",  "floor",
                               "boots",     "heels",    "snow",   "running", "walking",
                               "wet",       "concrete", "leaves", "stairs",  "carpet",
                               "the",       "a",        "of",     "in",      "quiet"};
        for (int i = 0; i < 200; ++i)
            out << words[i % 20] << ' ' << words[(i * 7 + 3) % 20] << ' '
                << words[(i * 11 + 5) % 20] << ".\n";
    }
    QProcess p;
    p.start(spmTrain, {"--input=" + corpus, "--model_prefix=" + work.filePath("spiece"),
                       "--vocab_size=64", "--hard_vocab_limit=false", "--model_type=unigram",
                       "--pad_id=0", "--eos_id=1", "--unk_id=2", "--bos_id=-1", "--minloglevel=2"});
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        tiny.error = "spm_train failed: " + QString::fromUtf8(p.readAllStandardError());
        return tiny;
    }
    tiny.spiece = work.filePath("spiece.model");

    // The folder: the parity model with a 0.5 s window so that durations fit.
    tiny.folder = work.filePath("stable-audio-open-tiny");
    const QDir parity(parityDir);
    nlohmann::json config;
    try {
        std::ifstream in(parity.filePath("model_config.json").toStdString(), std::ios::binary);
        config = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
        tiny.error = QString("cannot read the parity model_config.json: ") + e.what();
        return tiny;
    }
    config["sample_size"] = 22048;
    QDir().mkpath(tiny.folder);
    std::ofstream(QDir(tiny.folder).filePath("model_config.json").toStdString()) << config.dump(1);
    const std::pair<const char*, const char*> files[] = {
        {"model.safetensors", "model.safetensors"},
        {"t5_config.json", "text_encoder/config.json"},
        {"t5_encoder.safetensors", "text_encoder/model.safetensors"}};
    for (const auto& [from, to] : files)
        if (!copyReplacing(parity.filePath(from), tiny.folder + "/" + to)) {
            tiny.error = "cannot copy " + parity.filePath(from);
            return tiny;
        }
    if (!copyReplacing(tiny.spiece, tiny.folder + "/tokenizer/spiece.model"))
        tiny.error = "cannot copy the tokenizer";
    return tiny;
}

} // namespace footfall::test
