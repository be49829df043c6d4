// File names: the seed's timestamp_prompt form, UCS templates, collisions.
#include "io/file_naming.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace footfall;

class TestFileNaming : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sanitizeKeepsLowercaseAsciiDigitsUnderscore() {
        QCOMPARE(QString::fromStdString(sanitizePrompt("Heavy Boots on WET marble!")),
                 QString("heavy_boots_on_wet_marble"));
        QCOMPARE(QString::fromStdString(sanitizePrompt("2 steps/s, café")),
                 QString("2_steps_s_caf"));
    }
    void sanitizeNeverEscapesTheFolder() {
        for (const char* evil : {"../../x", "/etc/passwd", "..", "a/../../b", "\\..\\x"}) {
            const QString s = QString::fromStdString(sanitizePrompt(evil));
            QVERIFY(!s.contains('/'));
            QVERIFY(!s.contains('\\'));
            QVERIFY(!s.contains(".."));
            QVERIFY(!s.isEmpty());
        }
        QCOMPARE(QString::fromStdString(sanitizePrompt("../../x")), QString("x"));
    }
    void sanitizeNeverEmptyAndBounded() {
        QCOMPARE(QString::fromStdString(sanitizePrompt("")), QString("untitled"));
        QCOMPARE(QString::fromStdString(sanitizePrompt("!!! ???")), QString("untitled"));
        QCOMPARE(QString::fromStdString(sanitizePrompt("日本語")), QString("untitled"));
        const std::string longPrompt(500, 'a');
        QCOMPARE(sanitizePrompt(longPrompt).size(), kMaxPromptStemLength);
        QVERIFY(sanitizePrompt(std::string(59, 'a') + " bcd").back() != '_');
    }
    void timestampedNameHasTheSeedsForm() {
        const QString name = QString::fromStdString(
            timestampedFileName("heels on marble", std::chrono::system_clock::now(), "wav"));
        QVERIFY2(QRegularExpression("^\\d{8}_\\d{6}_heels_on_marble\\.wav$").match(name).hasMatch(),
                 qPrintable(name));
    }
    void ucsTemplate() {
        UcsFields f{ucsFxName("heavy boots on wet marble"), "JD", "Footfall"};
        const QString name =
            QString::fromStdString(ucsFileName("FEETHmn_<FXName>_<Creator>_<Source>", f, "wav"));
        QCOMPARE(name, QString("FEETHmn_HeavyBootsOnWetMarble_JD_Footfall.wav"));
        QVERIFY(ucsFxName(std::string(100, 'x')).size() <= 25);
        // Fields cannot smuggle separators or paths.
        UcsFields evil{"../x", "a/b", "c_d"};
        const QString n2 =
            QString::fromStdString(ucsFileName("FEETHmn_<FXName>_<Creator>_<Source>", evil, "wav"));
        QCOMPARE(n2, QString("FEETHmn_x_ab_cd.wav"));
    }
    void collisionsGetASuffixNeverAnOverwrite() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        const std::string first = uniquePath(folder, "take.wav");
        QCOMPARE(QString::fromStdString(first), dir.path() + "/take.wav");
        std::ofstream(first) << "x";
        const std::string second = uniquePath(folder, "take.wav");
        QCOMPARE(QString::fromStdString(second), dir.path() + "/take_2.wav");
        std::ofstream(second) << "x";
        QCOMPARE(QString::fromStdString(uniquePath(folder, "take.wav")),
                 dir.path() + "/take_3.wav");
    }
};

QTEST_APPLESS_MAIN(TestFileNaming)
#include "tst_file_naming.moc"
