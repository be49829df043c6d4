// Bad parameters in the app, entered as a user would: typed into the fields and then
// Generate. A field either refuses the value (what reaches the job is in range and passes the
// request's own checks) or the run is refused with an error in words in the panel's banner,
// no take is added, and nothing is written outside the library folder.
#include "app/main_window.h"
#include "generate/generation_panel.h"
#include "generate/generation_queue.h"
#include "generation/generation_request.h"
#include "takes/take_list_model.h"

#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QtTest>

#include "main_window_fixture.h"

#include <cmath>

using namespace footfall;
using namespace footfall::ui;

class TestBadInputGui : public QObject, private test::MainWindowFixture {
    Q_OBJECT

    // Every file under the scratch folder, relative to it.
    QStringList allFiles() const {
        QStringList files;
        QDirIterator it(m_dir->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << QDir(m_dir->path()).relativeFilePath(it.next());
        return files;
    }

    // Selects everything in the field and types `text`, then Return: as a user replaces a value.
    static void typeInto(QWidget* field, const QString& text) {
        field->setFocus();
        QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(field, Qt::Key_Delete);
        QTest::keyClicks(field, text);
        QTest::keyClick(field, Qt::Key_Return);
    }

    // Clicks Generate and waits for the run to end; `error` gets the banner's text ("" if none).
    void generateAndWait(MainWindow& w, QString& error) {
        w.generationPanel()->generateButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!w.queue()->isBusy() && w.queue()->pendingCount() == 0, 60000);
        auto* banner = w.generationPanel()->findChild<QLabel*>(QStringLiteral("errorBanner"));
        error = banner->isVisible() ? banner->text() : QString();
    }

private Q_SLOTS:
    void initTestCase() { setUpSuite(); }
    void init() { resetState(); }

    // Out-of-range numbers typed into the spin boxes never leave them: the value stays
    // finite and inside the field's range, and the job made from the panel passes the
    // request checks that the CLI applies.
    void spinBoxesRefuseAbsurdValues_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("typed");
        const char* rows[][2] = {
            {"stepsSpin", "0"},       {"stepsSpin", "1000000000"}, {"stepsSpin", "-5"},
            {"takesSpin", "0"},       {"takesSpin", "1000000"},    {"durationSpin", "0"},
            {"durationSpin", "-3"},   {"durationSpin", "nan"},     {"durationSpin", "inf"},
            {"durationSpin", "1e9"},  {"cfgSpin", "nan"},          {"cfgSpin", "inf"},
            {"cfgSpin", "-inf"},      {"cfgSpin", "1e9"},          {"cfgSpin", "-1"},
            {"initNoiseSpin", "1e9"}, {"initNoiseSpin", "-1"},
        };
        for (const auto& [field, typed] : rows)
            QTest::newRow(qPrintable(QString("%1 %2").arg(field, typed)))
                << QString(field) << QString(typed);
    }
    void spinBoxesRefuseAbsurdValues() {
        QFETCH(QString, field);
        QFETCH(QString, typed);
        auto w = makeWindow();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        auto* spin = w->generationPanel()->findChild<QAbstractSpinBox*>(field);
        QVERIFY(spin);
        w->generationPanel()->setPromptText(QStringLiteral("boots on gravel"));
        spin->setEnabled(true);
        spin->setVisible(true);
        typeInto(spin, typed);
        spin->clearFocus();
        double value = 0, lo = 0, hi = 0;
        if (auto* i = qobject_cast<QSpinBox*>(spin)) {
            value = i->value();
            lo = i->minimum();
            hi = i->maximum();
        } else if (auto* d = qobject_cast<QDoubleSpinBox*>(spin)) {
            value = d->value();
            lo = d->minimum();
            hi = d->maximum();
        }
        QVERIFY2(std::isfinite(value) && value >= lo && value <= hi,
                 qPrintable(QString("%1 holds %2").arg(field).arg(value)));
        const GenerationJob job = w->generationPanel()->makeJob();
        const std::vector<std::string> problems = validateRequest(job.request);
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
    }

    // The seed field takes digits only; a number past the seed range is refused in words.
    void seedOutOfRangeIsRefusedInWords() {
        auto w = makeWindow();
        auto* seed = w->generationPanel()->findChild<QLineEdit*>(QStringLiteral("seedEdit"));
        w->generationPanel()->setSeedLocked(true);
        typeInto(seed, "-5x");
        QCOMPARE(seed->text(), QString("5"));
        typeInto(seed, "99999999999999");
        QCOMPARE(seed->text().size(), 10); // the field stops at ten digits
        QVERIFY(seed->text().toLongLong() > RequestLimits::maxSeed);
        w->generationPanel()->setPromptText(QStringLiteral("boots on gravel"));
        QString error;
        generateAndWait(*w, error);
        QVERIFY2(error.contains("seed", Qt::CaseInsensitive), qPrintable(error));
        QCOMPARE(w->takeModel()->rowCount(), 0);
        QVERIFY2(allFiles().filter(".wav").isEmpty(), qPrintable(allFiles().join(", ")));
    }

    // Prompts the request refuses: the banner says why, no take, no file.
    void badPromptsAreRefusedInWords_data() {
        QTest::addColumn<QString>("prompt");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << QString() << "prompt";
        QTest::newRow("blank") << QString("    ") << "prompt";
        QTest::newRow("10000 characters") << QString(10000, QChar('a')) << "longer";
        QTest::newRow("control characters") << QString("boots\x07 on \x1b[2J gravel") << "control";
    }
    void badPromptsAreRefusedInWords() {
        QFETCH(QString, prompt);
        QFETCH(QString, mentions);
        auto w = makeWindow();
        w->generationPanel()->setPromptText(prompt);
        QString error;
        generateAndWait(*w, error);
        QVERIFY2(error.contains(mentions, Qt::CaseInsensitive), qPrintable(error));
        QCOMPARE(w->takeModel()->rowCount(), 0);
        QVERIFY2(allFiles().filter(".wav").isEmpty(), qPrintable(allFiles().join(", ")));
    }

    // A typed sampler the engine lacks is refused naming it, for the procedural engine too.
    void unknownSamplerIsRefusedInWords() {
        auto w = makeWindow();
        auto* sampler = w->generationPanel()->findChild<QComboBox*>(QStringLiteral("samplerCombo"));
        typeInto(sampler->lineEdit(), "nosuch");
        w->generationPanel()->setPromptText(QStringLiteral("boots on gravel"));
        QString error;
        generateAndWait(*w, error);
        QVERIFY2(error.contains("nosuch"), qPrintable(error));
        QCOMPARE(w->takeModel()->rowCount(), 0);
    }

    // Path separators and ".." in a prompt make a take inside the library folder and nowhere
    // else; the prompt itself is kept as typed.
    void promptCannotEscapeTheLibraryFolder() {
        auto w = makeWindow();
        const QString prompt = QStringLiteral("../../../tmp/boots/..\\on gravel/");
        w->generationPanel()->setPromptText(prompt);
        QString error;
        generateAndWait(*w, error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(w->takeModel()->rowCount(), 1);
        const QString path = w->takeModel()->take(0).audioPath;
        QCOMPARE(QFileInfo(path).absolutePath(),
                 QDir(m_dir->filePath(QStringLiteral("library"))).absolutePath());
        for (const QString& file : allFiles())
            QVERIFY2(file.startsWith("library/") || file == "takes.json" ||
                         file.startsWith("takes.json"),
                     qPrintable(file));
        QCOMPARE(w->takeModel()->take(0).prompt(), prompt);
    }

    // A library folder that is a file, or cannot be made, is refused in words.
    void unusableLibraryFolderIsRefusedInWords() {
        auto w = makeWindow();
        const QString file = m_dir->filePath(QStringLiteral("a-file"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        auto* folder =
            w->generationPanel()->findChild<QLineEdit*>(QStringLiteral("outputFolderEdit"));
        folder->setText(file);
        w->generationPanel()->setPromptText(QStringLiteral("boots on gravel"));
        QString error;
        generateAndWait(*w, error);
        QVERIFY2(error.contains("a-file"), qPrintable(error));
        folder->setText(file + QStringLiteral("/below"));
        generateAndWait(*w, error);
        QVERIFY2(error.contains("below"), qPrintable(error));
        QCOMPARE(w->takeModel()->rowCount(), 0);
    }
};

QTEST_MAIN(TestBadInputGui)
#include "tst_bad_input_gui.moc"
