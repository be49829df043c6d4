// The app starts and lays out in every language it ships: the main window at its default size
// (1280×760, as footfall opens it) with a take, also with the prompt builder and the Stable Audio
// Open options unfolded, the export dialog and the Preferences, with no label, button, check box
// or group box narrower than its text, no column header cut and (folded) nothing cut off at the
// right of the generation panel's scroll area.
// Each language is also photographed into <build>/translation-screenshots/ for a human look.
#include "app/main_window.h"
#include "app/preferences_dialog.h"
#include "app/translations.h"
#include "export/export_dialog.h"
#include "generate/generation_panel.h"
#include "takes/take_list_model.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QScrollArea>
#include <QTableView>
#include <QToolButton>
#include <QTranslator>
#include <QtTest>

#include <algorithm>

#include "main_window_fixture.h"

using namespace footfall;
using namespace footfall::ui;

namespace {

const QString kQmDir = QStringLiteral(FOOTFALL_BINARY_DIR "/app");
const QString kShotDir = QStringLiteral(FOOTFALL_BINARY_DIR "/translation-screenshots");

void removeTranslators() {
    for (QTranslator* t : QCoreApplication::instance()->findChildren<QTranslator*>()) {
        QCoreApplication::removeTranslator(t);
        delete t;
    }
}

QString plain(QString text) {
    // A mnemonic's '&' takes no room; '&&' shows one.
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    text.replace(QLatin1Char('\x01'), QLatin1Char('&'));
    return text;
}

QString where(const QWidget* w, const QString& text) {
    return QStringLiteral("%1 \"%2\"")
        .arg(QString::fromLatin1(w->metaObject()->className()), plain(text));
}

// Every visible text in `root` that does not get the room it needs, as "class "text": has <
// needs" lines.
QStringList clippedTexts(QWidget* root) {
    QStringList out;
    const auto check = [&](const QWidget* w, const QString& text, int has, int needs) {
        if (has < needs)
            out << QStringLiteral("%1: %2 < %3 px").arg(where(w, text)).arg(has).arg(needs);
    };
    for (QLabel* l : root->findChildren<QLabel*>()) {
        if (!l->isVisibleTo(root) || l->text().isEmpty())
            continue;
        if (l->wordWrap())
            check(l, l->text(), l->height(), l->heightForWidth(l->width()));
        else
            check(l, l->text(), l->width(), l->sizeHint().width());
    }
    for (QAbstractButton* b : root->findChildren<QAbstractButton*>()) {
        if (!b->isVisibleTo(root) || b->text().isEmpty())
            continue;
        if (auto* t = qobject_cast<QToolButton*>(b);
            t && t->toolButtonStyle() == Qt::ToolButtonIconOnly && !t->icon().isNull())
            continue;
        check(b, b->text(), b->width(), b->sizeHint().width());
    }
    for (QGroupBox* g : root->findChildren<QGroupBox*>())
        if (g->isVisibleTo(root) && !g->title().isEmpty())
            check(g, g->title(), g->width(), g->minimumSizeHint().width());
    for (QHeaderView* h : root->findChildren<QHeaderView*>()) {
        if (!h->isVisibleTo(root) || h->orientation() != Qt::Horizontal)
            continue;
        const QFontMetrics fm(h->font());
        for (int s = 0; s < h->count(); ++s) {
            if (h->isSectionHidden(s))
                continue;
            const QString text = h->model()->headerData(s, Qt::Horizontal).toString();
            check(h, text, h->sectionSize(s), fm.horizontalAdvance(text) + 8);
        }
    }
    return out;
}

// Every scroll area in `root` that never scrolls sideways yet holds something wider than itself
// (its right edge cannot be reached).
QStringList cutScrollAreas(QWidget* root) {
    QStringList out;
    for (QScrollArea* a : root->findChildren<QScrollArea*>()) {
        if (!a->isVisibleTo(root) || !a->widget() ||
            a->horizontalScrollBarPolicy() != Qt::ScrollBarAlwaysOff)
            continue;
        const int needs = std::max(a->widget()->width(), a->widget()->minimumSizeHint().width());
        if (a->viewport()->width() < needs)
            out << QStringLiteral("%1 shows %2 of %3 px")
                       .arg(a->objectName())
                       .arg(a->viewport()->width())
                       .arg(needs);
    }
    return out;
}

void shoot(QWidget* w, const QString& name) {
    QDir().mkpath(kShotDir);
    QVERIFY(w->grab().save(kShotDir + QLatin1Char('/') + name + QStringLiteral(".png")));
}

} // namespace

class TestTranslationsLayout : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        setUpSuite();
        for (const char* lang : {"de", "fr", "ja"})
            QVERIFY2(QFile::exists(kQmDir + QStringLiteral("/footfall_%1.qm").arg(lang)),
                     "build footfall_lrelease (part of the footfall target)");
    }
    void init() { resetState(); }
    void cleanup() { removeTranslators(); }

    // The check sees a label, a check box and a group box narrower than their text.
    void theCheckSeesClippedText() {
        QWidget root;
        auto* label = new QLabel(QStringLiteral("A label far too long for its width"), &root);
        auto* box = new QCheckBox(QStringLiteral("A check box far too long"), &root);
        auto* group = new QGroupBox(QStringLiteral("A group title far too long"), &root);
        for (QWidget* w : {static_cast<QWidget*>(label), static_cast<QWidget*>(box),
                           static_cast<QWidget*>(group)})
            w->setGeometry(0, 0, 40, 30);
        root.show();
        QCOMPARE(clippedTexts(&root).size(), 3);
        for (QWidget* w : {static_cast<QWidget*>(label), static_cast<QWidget*>(box),
                           static_cast<QWidget*>(group)})
            w->resize(w->sizeHint().expandedTo(w->minimumSizeHint()));
        QCOMPARE(clippedTexts(&root), QStringList());
    }

    void laysOutInEveryLanguage_data() {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("takeMenu");
        QTest::addColumn<QString>("exportTitle");
        QTest::newRow("en") << "en"
                            << "&Take"
                            << "Export take";
        QTest::newRow("de") << "de"
                            << "&Take"
                            << "Take exportieren";
        QTest::newRow("fr") << "fr"
                            << "&Prise"
                            << "Exporter la prise";
        QTest::newRow("ja") << "ja" << QStringLiteral("テイク(&T)")
                            << QStringLiteral("テイクを書き出し");
    }
    void laysOutInEveryLanguage() {
        QFETCH(QString, code);
        QFETCH(QString, takeMenu);
        QFETCH(QString, exportTitle);
        if (code == QLatin1String("ja"))
            QVERIFY2(!QFontDatabase::families(QFontDatabase::Japanese).isEmpty(),
                     "no Japanese font: install fonts-ipafont-gothic (scripts/test does)");
        QCOMPARE(installTranslations(*QCoreApplication::instance(), QLocale(code), kQmDir),
                 code != QLatin1String("en"));

        auto w = makeWindow();
        w->resize(1280, 760);
        generateTakes(*w, 1);
        w->selectRow(0);
        QTRY_VERIFY(w->currentView() != nullptr);
        QApplication::processEvents();
        QStringList menus;
        for (const QAction* a : w->menuBar()->actions())
            menus << a->text();
        QVERIFY2(menus.contains(takeMenu), qPrintable(menus.join(QLatin1Char(','))));
        QVERIFY2(w->minimumSizeHint().width() <= 1280 && w->minimumSizeHint().height() <= 760,
                 qPrintable(QStringLiteral("%1×%2")
                                .arg(w->minimumSizeHint().width())
                                .arg(w->minimumSizeHint().height())));
        QCOMPARE(w->size(), QSize(1280, 760));
        QVERIFY2(w->menuBar()->sizeHint().width() <= w->width(),
                 qPrintable(QString::number(w->menuBar()->sizeHint().width())));
        shoot(w.get(), QStringLiteral("main-") + code);
        QStringList clipped = clippedTexts(w.get()) + cutScrollAreas(w.get());
        // The folded parts of the generation panel (the prompt builder, the Stable Audio Open
        // options, …): every checkable tool button with an arrow unfolds one.
        int unfolded = 0;
        for (QToolButton* button : w->generationPanel()->findChildren<QToolButton*>())
            if (button->isCheckable() && button->arrowType() != Qt::NoArrow) {
                button->setChecked(true);
                ++unfolded;
            }
        QVERIFY2(unfolded >= 2, qPrintable(QString::number(unfolded)));
        QTest::qWait(50); // the layouts settle in a few passes of the event loop
        QCOMPARE(w->size(), QSize(1280, 760));
        shoot(w.get(), QStringLiteral("main-unfolded-") + code);
        clipped << clippedTexts(w.get());
        clipped.removeDuplicates();
        // Unfolded, the panel still fits its scroll area (which never scrolls sideways).
        clipped << cutScrollAreas(w.get());
        clipped.removeDuplicates();

        ExportDialog exportDialog(w.get());
        w->prepareExportDialog(exportDialog, 0);
        QCOMPARE(exportDialog.windowTitle(), exportTitle);
        exportDialog.show();
        QApplication::processEvents();
        shoot(&exportDialog, QStringLiteral("export-") + code);
        clipped << clippedTexts(&exportDialog);

        PreferencesDialog preferences(w.get());
        preferences.show();
        QApplication::processEvents();
        shoot(&preferences, QStringLiteral("preferences-") + code);
        clipped << clippedTexts(&preferences);
        QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestTranslationsLayout)
#include "tst_translations_layout.moc"
