// The real main window on a throw-away library, for the UI tests that drive it offscreen:
// the procedural engine, 2 s takes, one take per run, auto-play off, 1280×720.
// A test class derives from QObject and this, and calls setUpSuite() from initTestCase() and
// resetState() from init().
#pragma once

#include "app/deferred_settings.h"
#include "app/main_window.h"
#include "generate/generation_panel.h"
#include "generate/generation_queue.h"
#include "takes/take_list_model.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

namespace footfall::test {

class MainWindowFixture {
protected:
    void setUpSuite() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FootfallTest"));
        // One settings file per test executable: CTest may run them at the same time, and
        // each clears its settings before every test.
        QCoreApplication::setApplicationName(
            QStringLiteral("FootfallUiTest-") +
            QFileInfo(QCoreApplication::applicationFilePath()).completeBaseName());
        QSettings().clear();
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    // No settings and no take list left over from the test before.
    void resetState() {
        footfall::ui::flushSettingsWrites(); // a save of the test before must not land after the
                                             // clear
        QSettings().clear();
        QFile::remove(listPath());
    }

    QString listPath() const { return m_dir->filePath(QStringLiteral("takes.json")); }

    std::unique_ptr<ui::MainWindow> makeWindow() {
        auto w = std::make_unique<ui::MainWindow>(ui::TakeStore(listPath()));
        w->generationPanel()
            ->findChild<QLineEdit*>(QStringLiteral("outputFolderEdit"))
            ->setText(m_dir->filePath(QStringLiteral("library")));
        w->generationPanel()
            ->findChild<QComboBox*>(QStringLiteral("engineCombo"))
            ->setCurrentIndex(1);
        w->generationPanel()->findChild<QLineEdit*>(QStringLiteral("modelFolderEdit"))->clear();
        w->generationPanel()
            ->findChild<QDoubleSpinBox*>(QStringLiteral("durationSpin"))
            ->setValue(2.0);
        w->generationPanel()->findChild<QSpinBox*>(QStringLiteral("takesSpin"))->setValue(1);
        w->setAutoPlay(false);
        w->resize(1280, 720);
        w->show();
        return w;
    }

    // Generates `count` takes of "boots on gravel" and waits until the queue is idle.
    void generateTakes(ui::MainWindow& w, int count) {
        const int before = w.takeModel()->rowCount();
        w.generationPanel()->findChild<QSpinBox*>(QStringLiteral("takesSpin"))->setValue(count);
        w.generationPanel()->setPromptText(QStringLiteral("boots on gravel"));
        w.generationPanel()->generateButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(w.takeModel()->rowCount(), before + count, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.queue()->isBusy(), 30000);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
};

} // namespace footfall::test
