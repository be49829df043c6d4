// The T5 tokenizer: a tiny spiece.model trained here with spm_train, ids checked against
// spm_encode for both places SentencePiece can run (the dlopen'ed module, the server process),
// then the T5 conditioner's framing (</s>, padding, truncation, mask) and the server's failure
// modes. Runs in a process that also has libtorch loaded, which is the situation the module
// is for. Under AddressSanitizer the module cannot be loaded (RTLD_DEEPBIND): its rows are not
// made there, and every other case runs on the server, the sanitizer build's default.
#include "base/errors.h"
#include "model/sao/tokenizer/tokenizer.h"

#include <ATen/ATen.h>

#include "skip.h"
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <QtTest>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

using footfall::GenerationError;
using footfall::model::SpmTokenizer;
using footfall::model::TokenBatch;
using footfall::model::TokenizerBackend;
Q_DECLARE_METATYPE(TokenizerBackend)

namespace {

// Words that a foley prompt would use; enough lines for a 64-piece unigram model.
std::string corpus() {
    const char* words[] = {"footsteps", "on",       "gravel",   "wooden",  "floor",   "boots",
                           "heels",     "sneakers", "snow",     "running", "walking", "slowly",
                           "fast",      "wet",      "concrete", "leaves",  "crunchy", "stairs",
                           "barefoot",  "carpet",   "the",      "a",       "of",      "in",
                           "hallway",   "forest",   "distant",  "close",   "quiet",   "loud"};
    const int n = static_cast<int>(sizeof words / sizeof *words);
    std::ostringstream out;
    for (int line = 0; line < 300; ++line) {
        for (int w = 0; w < 7; ++w)
            out << words[(line * 7 + w * 13 + line / 5) % n] << (w < 6 ? " " : "");
        out << (line % 3 == 0 ? ", 44.1 kHz stereo." : ".") << "\n";
    }
    return out.str();
}

QString run(const QString& program, const QStringList& args, const QByteArray& input = {}) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForStarted())
        return QString();
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(60000);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning() << program << "failed:" << p.readAllStandardError();
        return QString();
    }
    return QString::fromUtf8(p.readAllStandardOutput());
}

std::vector<int> parseIds(const QString& line) {
    std::vector<int> ids;
    for (const auto& part : line.split(' ', Qt::SkipEmptyParts))
        ids.push_back(part.toInt());
    return ids;
}

} // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_model;
    QString m_spmEncode;

    std::vector<int> spmEncode(const std::string& text) {
        const QString out =
            run(m_spmEncode, {"--model=" + QString::fromStdString(m_model), "--output_format=id"},
                QByteArray::fromStdString(text + "\n"));
        return parseIds(out.trimmed());
    }

private Q_SLOTS:
    void initTestCase() {
        const QString spmTrain = QStandardPaths::findExecutable("spm_train");
        m_spmEncode = QStandardPaths::findExecutable("spm_encode");
        if (spmTrain.isEmpty() || m_spmEncode.isEmpty())
            FOOTFALL_SKIP_UNLESS_CI("spm_train/spm_encode not installed (Debian package "
                                    "'sentencepiece')");
        QVERIFY(m_dir.isValid());
        const std::string corpusPath = m_dir.filePath("corpus.txt").toStdString();
        std::ofstream(corpusPath) << corpus();
        // T5's id layout: pad 0, </s> 1, unk 2, no <s>.
        const QString prefix = m_dir.filePath("tiny");
        run(spmTrain, {"--input=" + QString::fromStdString(corpusPath), "--model_prefix=" + prefix,
                       "--vocab_size=64", "--hard_vocab_limit=false", "--model_type=unigram",
                       "--pad_id=0", "--eos_id=1", "--unk_id=2", "--bos_id=-1", "--minloglevel=2"});
        m_model = (prefix + ".model").toStdString();
        QVERIFY2(QFile::exists(QString::fromStdString(m_model)), "spm_train produced no model");
        // libtorch is in this process (the crash the module avoids happens at load time).
        QCOMPARE(at::ones({2}).sum().item<float>(), 2.0f);
    }

    void findsModuleAndServer() {
        const std::string path = SpmTokenizer::modulePath();
        QVERIFY(QFile::exists(QString::fromStdString(path)));
        QVERIFY(QString::fromStdString(path).endsWith("footfall_spm.so"));
        const QString server = QString::fromStdString(SpmTokenizer::serverPath());
        QVERIFY(QFileInfo(server).isExecutable());
        QVERIFY(server.endsWith("footfall-spm-server"));
    }

    void idsMatchSpmEncode_data() {
        QTest::addColumn<TokenizerBackend>("backend");
        QTest::addColumn<QString>("text");
        const QString texts[][2] = {
            {"simple", "footsteps on gravel"},
            {"punctuation", "Heavy boots, running on wet concrete stairs!"},
            {"spaces", "  quiet   barefoot steps in the hallway  "},
            {"unknown", "Zyxq footsteps 123 ünïcödé"},
            {"nfkc", "ＦＯＯＴＳＴＥＰＳ ﬁne ㍿ ½"},
            {"single", "a"},
        };
        for (const auto& [name, text] : texts) {
#if !defined(__SANITIZE_ADDRESS__)
            QTest::newRow(qPrintable("module " + name)) << TokenizerBackend::Module << text;
#endif
            QTest::newRow(qPrintable("process " + name)) << TokenizerBackend::Process << text;
        }
    }

    void idsMatchSpmEncode() {
        QFETCH(TokenizerBackend, backend);
        QFETCH(QString, text);
        SpmTokenizer tokenizer(m_model, backend);
        QCOMPARE(tokenizer.backend(), backend);
        const std::vector<int> expected = spmEncode(text.toStdString());
        QVERIFY(!expected.empty());
        const std::vector<int> actual = tokenizer.encode(text.toStdString());
        QCOMPARE(actual, expected);
        QCOMPARE(tokenizer.vocabSize(), 64);
    }

    // One server answers many prompts in order, from several threads at once.
    void serverAnswersInOrderAcrossThreads() {
        SpmTokenizer tokenizer(m_model, TokenizerBackend::Process);
        const std::vector<std::string> prompts = {"footsteps on gravel", "wet concrete", "snow",
                                                  "barefoot on carpet in the hallway"};
        std::vector<std::vector<int>> expected;
        for (const auto& prompt : prompts)
            expected.push_back(spmEncode(prompt));
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 50; ++i) {
                    const std::size_t k = std::size_t(t + i) % prompts.size();
                    if (tokenizer.encode(prompts[k]) != expected[k])
                        ++wrong;
                }
            });
        for (auto& thread : threads)
            thread.join();
        QCOMPARE(wrong.load(), 0);
        // A long prompt goes through in one piece (more than one socket buffer).
        std::string longPrompt;
        while (longPrompt.size() < 400000)
            longPrompt += "heavy boots on wet concrete stairs, ";
        QCOMPARE(tokenizer.encode(longPrompt).size(),
                 SpmTokenizer(m_model).encode(longPrompt).size());
    }

    void serverFailuresAreClearErrors_data() {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("expected");
        QTest::newRow("exits at once") << "exit 3"
                                       << "ended";
        // Claims a 2^30-piece vocabulary.
        QTest::newRow("impossible vocabulary")
            << R"(printf '\000\000\000\000\000\000\000\100\001\000\000\000\000\000\000\000')"
            << "impossible vocabulary";
        // Starts fine (64 pieces), then answers one id far outside the vocabulary.
        QTest::newRow("id outside vocabulary")
            << R"(printf '\000\000\000\000\100\000\000\000\001\000\000\000\000\000\000\000'; )"
               R"(head -c 23 >/dev/null; printf '\001\000\000\000\377\377\000\000'; exec sleep 60)"
            << "outside its vocabulary";
        QTest::newRow("dies mid-prompt")
            << R"(printf '\000\000\000\000\100\000\000\000\001\000\000\000\000\000\000\000'; )"
               R"(head -c 4 >/dev/null; exit 0)"
            << "ended while tokenizing";
    }

    void serverFailuresAreClearErrors() {
        QFETCH(QString, script);
        QFETCH(QString, expected);
        const QString path = m_dir.filePath("fake-server.sh");
        QFile::remove(path);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(("#!/bin/sh\n" + script + "\n").toUtf8());
        file.close();
        QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        qputenv("FOOTFALL_SPM_SERVER", path.toUtf8());
        QString message;
        QElapsedTimer clock;
        clock.start();
        try {
            SpmTokenizer tokenizer(m_model, TokenizerBackend::Process);
            tokenizer.encode("footsteps on gravel in the distant forest");
        } catch (const GenerationError& e) {
            message = QString::fromUtf8(e.what());
        }
        qunsetenv("FOOTFALL_SPM_SERVER");
        QVERIFY2(message.contains(expected), qPrintable(message));
        // No waiting for the sleeping fake server to finish by itself.
        QVERIFY2(clock.elapsed() < 30000, qPrintable(QString::number(clock.elapsed())));
    }

    void unknownBackendSettingIsAClearError() {
        qputenv("FOOTFALL_TOKENIZER", "telepathy");
        QString message;
        try {
            SpmTokenizer tokenizer(m_model);
        } catch (const GenerationError& e) {
            message = QString::fromUtf8(e.what());
        }
        qputenv("FOOTFALL_TOKENIZER", "process");
        const TokenizerBackend chosen = SpmTokenizer::defaultBackend();
        qunsetenv("FOOTFALL_TOKENIZER");
        QVERIFY2(message.contains("telepathy"), qPrintable(message));
        QCOMPARE(chosen, TokenizerBackend::Process);
    }

    void appendsEosAndPads() {
        SpmTokenizer tokenizer(m_model);
        QCOMPARE(tokenizer.eosId(), 1);
        QCOMPARE(tokenizer.padId(), 0);
        QVERIFY(tokenizer.vocabSize() > 8);
        const std::string text = "footsteps on gravel";
        const std::vector<int> pieces = spmEncode(text);
        const int maxLength = static_cast<int>(pieces.size()) + 4;
        const TokenBatch batch = tokenizer.tokenize({text, ""}, maxLength);
        QCOMPARE(batch.batch, 2);
        QCOMPARE(batch.length, maxLength);
        QCOMPARE(batch.ids.size(), size_t(2 * maxLength));
        for (int i = 0; i < maxLength; ++i) {
            const size_t n = pieces.size();
            const int64_t expectedId = size_t(i) < n ? pieces[size_t(i)] : (size_t(i) == n ? 1 : 0);
            QCOMPARE(batch.ids[size_t(i)], expectedId);
            QCOMPARE(batch.mask[size_t(i)], int64_t(size_t(i) <= n ? 1 : 0));
        }
        // An empty prompt is just </s> (HF does the same).
        QCOMPARE(batch.ids[size_t(maxLength)], int64_t(1));
        QCOMPARE(batch.mask[size_t(maxLength)], int64_t(1));
        for (int i = 1; i < maxLength; ++i) {
            QCOMPARE(batch.ids[size_t(maxLength + i)], int64_t(0));
            QCOMPARE(batch.mask[size_t(maxLength + i)], int64_t(0));
        }
    }

    void truncatesKeepingEos() {
        SpmTokenizer tokenizer(m_model);
        const std::string text =
            "heavy boots running slowly on crunchy leaves in the distant forest";
        const std::vector<int> pieces = spmEncode(text);
        QVERIFY(pieces.size() > 6);
        const int maxLength = 6;
        const TokenBatch batch = tokenizer.tokenize({text}, maxLength);
        for (int i = 0; i < maxLength - 1; ++i)
            QCOMPARE(batch.ids[size_t(i)], int64_t(pieces[size_t(i)]));
        QCOMPARE(batch.ids[size_t(maxLength - 1)], int64_t(1));
        for (int i = 0; i < maxLength; ++i)
            QCOMPARE(batch.mask[size_t(i)], int64_t(1));
        // Exactly max_length - 1 pieces: no truncation, </s> fills the last slot.
        const std::vector<int> exact(pieces.begin(), pieces.begin() + 3);
        const TokenBatch fits = tokenizer.tokenize({text}, 4);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(fits.ids[size_t(i)], int64_t(exact[size_t(i)]));
        QCOMPARE(fits.ids[3], int64_t(1));
    }

    void missingModelIsAClearError() {
        const std::string missing = m_dir.filePath("nope/spiece.model").toStdString();
        try {
            SpmTokenizer tokenizer(missing);
            QFAIL("no error for a missing model");
        } catch (const GenerationError& e) {
            QVERIFY2(std::string(e.what()).find(missing) != std::string::npos, e.what());
        }
    }

    void corruptModelIsAClearError() {
        const std::string bad = m_dir.filePath("bad.model").toStdString();
        std::ofstream(bad) << "this is not a sentencepiece model";
        try {
            SpmTokenizer tokenizer(bad);
            QFAIL("no error for a corrupt model");
        } catch (const GenerationError& e) {
            QVERIFY2(std::string(e.what()).find(bad) != std::string::npos, e.what());
        }
    }

    void badModuleOverrideIsAClearError() {
        qputenv("FOOTFALL_SPM_MODULE", "/nonexistent/footfall_spm.so");
        bool threw = false;
        try {
            SpmTokenizer::modulePath();
        } catch (const GenerationError& e) {
            threw = true;
            QVERIFY2(std::string(e.what()).find("/nonexistent/footfall_spm.so") !=
                         std::string::npos,
                     e.what());
        }
        qunsetenv("FOOTFALL_SPM_MODULE");
        QVERIFY(threw);
    }
};

QTEST_APPLESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
