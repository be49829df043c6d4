// The translations are complete and current: no .ts has an unfinished, obsolete or vanished
// entry or an empty translation, and running lupdate on today's sources (into a copy) neither
// adds nor removes a string. The languages the Preferences offer are the ones shipped.
#include "app/translations.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <set>
#include <tuple>

using namespace footfall::ui;

namespace {

// One <message>: context, source text, disambiguation comment.
using MessageKey = std::tuple<QString, QString, QString>;

struct TsFile {
    QString language; // the TS element's language attribute, e.g. "fr_FR"
    std::set<MessageKey> messages;
    QStringList problems; // "context / source: unfinished" and the like
};

QString describe(const MessageKey& k) {
    return std::get<0>(k) + QStringLiteral(" / \"") + std::get<1>(k) + QLatin1Char('"');
}

TsFile readTs(const QString& path) {
    TsFile ts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ts.problems << QStringLiteral("cannot open %1").arg(path);
        return ts;
    }
    QXmlStreamReader xml(&file);
    QString context;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("TS")) {
            ts.language = xml.attributes().value(QLatin1String("language")).toString();
        } else if (xml.name() == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (xml.name() == QLatin1String("message")) {
            const bool numerus =
                xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            QString source, comment, type;
            QStringList forms;
            bool hasTranslation = false;
            while (!(xml.isEndElement() && xml.name() == QLatin1String("message")) &&
                   !xml.atEnd()) {
                xml.readNext();
                if (!xml.isStartElement())
                    continue;
                if (xml.name() == QLatin1String("source")) {
                    source = xml.readElementText();
                } else if (xml.name() == QLatin1String("comment")) {
                    comment = xml.readElementText();
                } else if (xml.name() == QLatin1String("translation")) {
                    hasTranslation = true;
                    type = xml.attributes().value(QLatin1String("type")).toString();
                    if (!numerus)
                        forms << xml.readElementText();
                } else if (xml.name() == QLatin1String("numerusform")) {
                    forms << xml.readElementText();
                }
            }
            const MessageKey key{context, source, comment};
            const QString where = describe(key);
            if (!type.isEmpty())
                ts.problems << where + QStringLiteral(": ") + type;
            if (!hasTranslation || forms.isEmpty())
                ts.problems << where + QStringLiteral(": no translation");
            for (const QString& f : forms)
                if (type.isEmpty() && f.isEmpty())
                    ts.problems << where + QStringLiteral(": empty translation");
            if (!ts.messages.insert(key).second)
                ts.problems << where + QStringLiteral(": twice");
        }
    }
    if (xml.hasError())
        ts.problems << QStringLiteral("%1: %2 at line %3")
                           .arg(path, xml.errorString())
                           .arg(xml.lineNumber());
    return ts;
}

QStringList tsFiles() {
    const QDir dir(QStringLiteral(FOOTFALL_SOURCE_DIR "/translations"));
    QStringList files;
    for (const QString& name : dir.entryList({QStringLiteral("footfall_*.ts")}, QDir::Files))
        files << dir.filePath(name);
    return files;
}

// The strings lupdate finds in today's sources, as the build's footfall_lupdate target runs it
// (the same folders and options), written into a copy of `ts`. Empty string on success.
QString refreshCopy(const QString& ts, const QString& copy) {
    QFile::remove(copy);
    if (!QFile::copy(ts, copy))
        return QStringLiteral("cannot copy %1").arg(ts);
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(QStringLiteral(FOOTFALL_LUPDATE),
                  {QStringLiteral("-no-obsolete"), QStringLiteral("-locations"),
                   QStringLiteral("none"), QStringLiteral(FOOTFALL_SOURCE_DIR "/ui"),
                   QStringLiteral(FOOTFALL_SOURCE_DIR "/app/gui/main.cpp"), QStringLiteral("-ts"),
                   copy});
    if (!lupdate.waitForFinished(120000) || lupdate.exitStatus() != QProcess::NormalExit ||
        lupdate.exitCode() != 0)
        return QStringLiteral("lupdate failed: ") + QString::fromUtf8(lupdate.readAll());
    return QString();
}

} // namespace

class TestTranslations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void theShippedLanguages() {
        QStringList languages;
        for (const QString& f : tsFiles())
            languages << readTs(f).language.section(QLatin1Char('_'), 0, 0);
        languages.sort();
        QCOMPARE(languages,
                 (QStringList{QStringLiteral("de"), QStringLiteral("fr"), QStringLiteral("ja")}));
        // Each is compiled into the app (qt_add_translations in app/CMakeLists.txt).
        QFile cmake(QStringLiteral(FOOTFALL_SOURCE_DIR "/app/CMakeLists.txt"));
        QVERIFY(cmake.open(QIODevice::ReadOnly));
        const QString listed = QString::fromUtf8(cmake.readAll());
        for (const QString& f : tsFiles())
            QVERIFY2(listed.contains(QStringLiteral("translations/") + QFileInfo(f).fileName()),
                     qPrintable(QFileInfo(f).fileName() + QStringLiteral(" not in TS_FILES")));
        // The Preferences offer exactly these, English and the system default.
        QStringList offered;
        for (const UiLanguage& l : uiLanguages())
            if (!l.code.isEmpty() && l.code != QLatin1String("en"))
                offered << l.code;
        offered.sort();
        QCOMPARE(offered, languages);
    }

    void everyStringIsTranslated_data() {
        QTest::addColumn<QString>("file");
        for (const QString& f : tsFiles())
            QTest::newRow(qPrintable(QFileInfo(f).fileName())) << f;
    }
    void everyStringIsTranslated() {
        QFETCH(QString, file);
        const TsFile ts = readTs(file);
        QVERIFY2(ts.messages.size() > 250, qPrintable(QString::number(ts.messages.size())));
        QVERIFY2(ts.problems.isEmpty(), qPrintable(ts.problems.join(QLatin1Char('\n'))));
    }

    void everyFileIsCurrent_data() { everyStringIsTranslated_data(); }
    void everyFileIsCurrent() {
        QFETCH(QString, file);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString copy = dir.filePath(QFileInfo(file).fileName());
        const QString failed = refreshCopy(file, copy);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const TsFile before = readTs(file);
        const TsFile after = readTs(copy);
        QStringList added, gone;
        for (const MessageKey& k : after.messages)
            if (!before.messages.count(k))
                added << describe(k);
        for (const MessageKey& k : before.messages)
            if (!after.messages.count(k))
                gone << describe(k);
        QVERIFY2(added.isEmpty() && gone.isEmpty(),
                 qPrintable(QStringLiteral("%1 is out of date (cmake --build build --target "
                                           "footfall_lupdate, then translate):\nnew in the "
                                           "sources:\n  %2\nno longer in the sources:\n  %3")
                                .arg(QFileInfo(file).fileName(), added.join(QStringLiteral("\n  ")),
                                     gone.join(QStringLiteral("\n  ")))));
    }

    // The checks above can fail: a file with an unfinished, a vanished and an obsolete entry,
    // and one whose sources gained a string.
    void theChecksCatchProblems() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString bad = dir.filePath(QStringLiteral("footfall_it.ts"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"(<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>footfall::ui::MainWindow</name>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gone</source>
        <translation type="vanished">Weg</translation>
    </message>
    <message>
        <source>Older</source>
        <translation type="obsolete">Älter</translation>
    </message>
    <message numerus="yes">
        <source>%n takes</source>
        <translation><numerusform>%n take</numerusform><numerusform></numerusform></translation>
    </message>
</context>
</TS>
)");
        f.close();
        const TsFile ts = readTs(bad);
        QCOMPARE(ts.problems.size(), 4);
        QVERIFY(ts.problems.filter(QStringLiteral("unfinished")).size() == 1);
        QVERIFY(ts.problems.filter(QStringLiteral("vanished")).size() == 1);
        QVERIFY(ts.problems.filter(QStringLiteral("obsolete")).size() == 1);
        QVERIFY(ts.problems.filter(QStringLiteral("empty translation")).size() == 1);
        // lupdate on the real sources brings in every string this file lacks.
        const QString copy = dir.filePath(QStringLiteral("copy.ts"));
        const QString failed = refreshCopy(bad, copy);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const TsFile refreshed = readTs(copy);
        QVERIFY(refreshed.messages.size() > ts.messages.size() + 200);
        QVERIFY(!refreshed.messages.count(
            {QStringLiteral("footfall::ui::MainWindow"), QStringLiteral("Gone"), QString()}));
        QVERIFY(refreshed.problems.filter(QStringLiteral("unfinished")).size() > 200);
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
