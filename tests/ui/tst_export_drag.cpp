// Getting takes out of the real window: exports (formats, normalisation, UCS names, sliced
// steps), the export dialog, and drags that carry finished, tagged files.
#include "app/deferred_settings.h"
#include "app/main_window.h"
#include "export/export_dialog.h"
#include "export/take_exporter.h"
#include "generate/generation_panel.h"
#include "player/player.h"
#include "takes/take_list_model.h"
#include "views/waveform_view.h"

#include "audio/analysis.h"
#include "audio/loudness.h"
#include "io/audio_file.h"

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QTimer>
#include <QtTest>

#include "main_window_fixture.h"

#include <memory>

using namespace footfall;
using namespace footfall::ui;

namespace {

// bitsPerSample and format tag from the WAV "fmt " chunk (bext/iXML may come first).
std::pair<int, int> wavFormat(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {0, 0};
    const QByteArray d = f.readAll();
    const int i = d.indexOf("fmt ");
    if (i < 0 || i + 24 > d.size())
        return {0, 0};
    const auto u16 = [&](int at) { return int(quint8(d[at])) | (int(quint8(d[at + 1])) << 8); };
    return {u16(i + 8), u16(i + 22)}; // format tag, bits per sample
}

} // namespace

class TestExportDrag : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpSuite(); }
    void init() { resetState(); }

    void exportsFormatsAndNormalisation() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        const TakeRecord take = w->takeModel()->take(0);
        auto audio = w->audioFor(take);
        QVERIFY(audio);
        const QString out = m_dir->filePath(QStringLiteral("exports"));
        struct Case {
            AudioFormat format;
            int tag;
            int bits;
        };
        for (const Case& c : {Case{AudioFormat::Wav16, 1, 16}, Case{AudioFormat::Wav24, 1, 24},
                              Case{AudioFormat::Wav32Float, 3, 32}}) {
            ExportOptions o;
            o.folder = out;
            o.format = c.format;
            o.normalise = ExportOptions::Normalise::Peak;
            o.peakTargetDbfs = -3.0;
            const ExportResult r = exportTake(take, *audio, o);
            QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
            QCOMPARE(r.files.size(), 1);
            const auto [tag, bits] = wavFormat(r.files.front());
            QCOMPARE(bits, c.bits);
            QVERIFY(tag == c.tag || tag == 0xFFFE);
            const double peak = toDbfs(samplePeak(readAudioFile(r.files.front().toStdString())));
            QVERIFY2(std::abs(peak + 3.0) < 0.05, qPrintable(QString::number(peak)));
            QVERIFY(QFileInfo::exists(QFileInfo(r.files.front()).path() + QLatin1Char('/') +
                                      QFileInfo(r.files.front()).completeBaseName() +
                                      QStringLiteral(".json")));
        }
        ExportOptions o;
        o.folder = out;
        o.format = AudioFormat::Flac;
        o.normalise = ExportOptions::Normalise::Loudness;
        o.loudnessTargetLufs = -30.0;
        o.ucsNaming = true;
        o.creator = QStringLiteral("JD");
        ExportResult r = exportTake(take, *audio, o);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY(r.files.front().endsWith(QStringLiteral(".flac")));
        QVERIFY(QFileInfo(r.files.front()).fileName().startsWith(QStringLiteral("FEETHmn_")));
        const Loudness l = measureLoudness(readAudioFile(r.files.front().toStdString()));
        const double measured = l.integratedLufs ? *l.integratedLufs : *l.wholeTakeLufs;
        qInfo("LUFS target -30 -> measured %.2f", measured);
        QVERIFY(measured <= -29.5); // at or below: the peak ceiling may hold it lower
        QVERIFY(std::abs(measured + 30.0) < 0.5 || l.truePeakDbtp.value_or(0) > -3.0);

        o = ExportOptions();
        o.folder = m_dir->filePath(QStringLiteral("steps"));
        o.sliceSteps = true;
        o.trim = true;
        o.fadeOutMs = 5;
        r = exportTake(take, *audio, o);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        qInfo("sliced into %d steps", int(r.files.size()));
        QVERIFY(r.files.size() >= 2);
        QVERIFY(r.files.front().endsWith(QStringLiteral("_01.wav")));
        // The library take is untouched.
        QCOMPARE(toDbfs(samplePeak(readAudioFile(take.audioPath.toStdString()))), take.peakDb());
    }

    void dragCarriesFinishedFiles() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        const TakeRecord take = w->takeModel()->take(0);
        std::unique_ptr<QMimeData> mime(
            w->takeModel()->mimeData({w->takeModel()->index(0, TakeListModel::Prompt)}));
        QVERIFY(mime);
        QVERIFY(mime->hasFormat(QStringLiteral("text/uri-list")));
        QCOMPARE(mime->urls().size(), 1);
        QCOMPARE(mime->urls().front().toLocalFile(), QFileInfo(take.audioPath).absoluteFilePath());
        QCOMPARE(mime->text(), QFileInfo(take.audioPath).absoluteFilePath());
        QVERIFY(QFileInfo::exists(mime->urls().front().toLocalFile()));

        w->selectRow(0);
        const auto audio = w->player()->audio();
        QVERIFY(audio);
        const std::size_t first = audio->sampleRate() / 4, last = audio->sampleRate();
        w->waveform()->setSelection(first, last);
        std::unique_ptr<QMimeData> sel(w->waveformDragMime());
        QVERIFY(sel);
        const QString path = sel->urls().front().toLocalFile();
        QVERIFY(QFileInfo::exists(path));
        QVERIFY2(path.contains(QStringLiteral("/exports/")), qPrintable(path));
        QVERIFY(
            !path.startsWith(QDir::tempPath() + QStringLiteral("/footfall"))); // not a temp file
        QCOMPARE(readAudioFile(path.toStdString()).frames(), last - first);
        QVERIFY(QFileInfo::exists(QFileInfo(path).path() + QLatin1Char('/') +
                                  QFileInfo(path).completeBaseName() + QStringLiteral(".json")));
        QVERIFY(readBroadcastInfo(path.toStdString()));
        // The same selection dragged again reuses the same finished file.
        std::unique_ptr<QMimeData> again(w->waveformDragMime());
        QCOMPARE(again->urls().front().toLocalFile(), path);
    }

    void exportDialogWritesWhatItsWidgetsSay() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        w->selectRow(0);
        const QString library = m_dir->filePath(QStringLiteral("library"));
        const QDir exports(QDir(library).filePath(QStringLiteral("exports")));
        const QStringList before = exports.entryList({QStringLiteral("*.wav")}, QDir::Files);
        QString written;
        bool sawDefault = false;
        QTimer::singleShot(200, [&] {
            auto* dialog = qobject_cast<ExportDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            auto* folder = dialog->findChild<QLineEdit*>(QStringLiteral("exportFolder"));
            // The default is the output folder's exports/, not ~/Music.
            sawDefault = folder->text() == QDir(library).filePath(QStringLiteral("exports"));
            auto* format = dialog->findChild<QComboBox*>(QStringLiteral("exportFormat"));
            format->setCurrentIndex(format->findData(int(AudioFormat::Wav16)));
            auto* normalise = dialog->findChild<QComboBox*>(QStringLiteral("exportNormalise"));
            normalise->setCurrentIndex(1); // peak
            auto* peak = dialog->findChild<QDoubleSpinBox*>(QStringLiteral("peakTarget"));
            QVERIFY(peak->isVisible());
            peak->setValue(-1.0);
            QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("exportButton")),
                              Qt::LeftButton);
        });
        w->exportCurrent();
        QVERIFY(sawDefault);
        QStringList wavs = exports.entryList({QStringLiteral("*.wav")}, QDir::Files);
        for (const QString& old : before)
            wavs.removeAll(old);
        QCOMPARE(wavs.size(), 1);
        written = exports.filePath(wavs.front());
        const auto [tag, bits] = wavFormat(written);
        QCOMPARE(bits, 16);
        QVERIFY(tag == 1 || tag == 0xFFFE);
        const double peak = toDbfs(samplePeak(readAudioFile(written.toStdString())));
        QVERIFY2(std::abs(peak + 1.0) < 0.05, qPrintable(QString::number(peak)));
        // The default folder was not stored as a habit: a new output folder moves it along.
        flushSettingsWrites();
        QVERIFY(!QSettings().contains(QStringLiteral("export/folder")));
    }
};

QTEST_MAIN(TestExportDrag)
#include "tst_export_drag.moc"
