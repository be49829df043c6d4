// Construction and wiring, menus and shortcuts, window settings and closing. The rest of
// MainWindow lives in main_window_*.cpp, one job each (see main_window.h).
#include "app/main_window.h"

#include "app/deferred_settings.h"

#include "app/preferences_dialog.h"

#include "generate/generation_panel.h"
#include "player/player.h"
#include "takes/take_list_model.h"
#include "takes/take_loader.h"
#include "views/waveform_view.h"

#include <QAction>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolButton>

#include <algorithm>

namespace footfall::ui {

MainWindow::MainWindow(TakeStore store, QWidget* parent)
    : QMainWindow(parent), m_store(std::move(store)) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Footfall"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/footfall.svg")));

    m_queue = new GenerationQueue(this);
    m_player = new Player(this);
    m_model = new TakeListModel(this);
    m_loader = new TakeLoader(this);
    connect(m_loader, &TakeLoader::loaded, this, &MainWindow::onTakeLoaded);
    m_importer = new LibraryImporter(this);
    connect(m_importer, &LibraryImporter::finished, this, &MainWindow::onLibraryScanned);
    setAcceptDrops(true); // audio dropped on the window becomes init audio

    m_panel = new GenerationPanel;
    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("generationScroll"));
    scroll->setWidget(m_panel);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Wide enough for the panel's own minimum: nothing in it is ever clipped at the right.
    scroll->setMinimumWidth(m_panel->minimumSizeHint().width() +
                            scroll->verticalScrollBar()->sizeHint().width() + 4);

    m_mainSplit = new QSplitter(Qt::Horizontal, this);
    m_mainSplit->addWidget(scroll);
    m_mainSplit->addWidget(buildCentre());
    m_mainSplit->addWidget(buildRight());
    m_mainSplit->setStretchFactor(0, 0);
    m_mainSplit->setStretchFactor(1, 1);
    m_mainSplit->setStretchFactor(2, 0);
    m_mainSplit->setSizes({scroll->minimumWidth(), 1280 - scroll->minimumWidth() - 380, 380});
    m_mainSplit->setChildrenCollapsible(false);
    setCentralWidget(m_mainSplit);
    buildActions();
    statusBar()->showMessage(tr("Ready"));

    connect(m_panel, &GenerationPanel::generateRequested, this, &MainWindow::generate);
    connect(m_panel, &GenerationPanel::cancelRequested, this, &MainWindow::cancelGeneration);
    connect(m_queue, &GenerationQueue::progressed, m_panel, &GenerationPanel::showProgress);
    connect(m_queue, &GenerationQueue::takeSaved, this, &MainWindow::onTakeSaved);
    connect(m_queue, &GenerationQueue::jobFinished, this, &MainWindow::onJobFinished);
    connect(m_queue, &GenerationQueue::queueChanged, this, &MainWindow::updateQueueView);
    connect(m_panel, &GenerationPanel::removePendingRequested, this, [this](int id) {
        if (m_queue->removePending(id))
            m_jobPrompts.remove(id);
    });
    connect(m_model, &TakeListModel::changedByUser, this, &MainWindow::persist);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { onCurrentChanged(current.row()); });
    connect(m_player, &Player::playingChanged, this, &MainWindow::onPlayingChanged);
    connect(m_player, &Player::outputMessage, this,
            [this](const QString& m) { statusBar()->showMessage(m, 5000); });
    connect(m_waveform, &WaveformView::seekRequested, m_player, &Player::seekFrames);
    connect(m_player, &Player::positionChanged, m_waveform, &WaveformView::setPlayhead);
    connect(m_waveform, &WaveformView::dragOutRequested, this, &MainWindow::dragOutSelection);

    // Meters follow the player's clock at 40 fps, fed with the samples since the last tick.
    m_meterTimer = new QTimer(this);
    m_meterTimer->setInterval(25);
    m_meterTimer->setTimerType(Qt::PreciseTimer);
    connect(m_meterTimer, &QTimer::timeout, this, &MainWindow::feedMeters);

    m_panel->loadSettings();
    QString listProblem;
    const QDateTime listWritten = QFileInfo(m_store.listPath()).lastModified();
    m_model->setTakes(m_store.load(&listProblem));
    if (!listProblem.isEmpty())
        statusBar()->showMessage(listProblem, 15000);
    recoverAfterCrash(listWritten);
    loadWindowSettings();
    if (m_model->rowCount() > 0) {
        m_suppressAutoPlay = true;
        selectRow(0);
        m_suppressAutoPlay = false;
    }
}

MainWindow::~MainWindow() {
    if (m_retryThread)
        m_retryThread->wait(); // it writes into this window's members
}

void MainWindow::buildActions() {
    const auto add = [this](QMenu* menu, const QString& text, const QKeySequence& key, auto slot,
                            bool onList = false) {
        auto* action = new QAction(text, this);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WindowShortcut);
        connect(action, &QAction::triggered, this, slot);
        menu->addAction(action);
        addAction(action);
        if (onList)
            m_table->addAction(action);
        return action;
    };
    buildLibraryActions(menuBar()->addMenu(tr("&File")));
    QMenu* gen = menuBar()->addMenu(tr("&Generate"));
    add(gen, tr("Generate / queue"), QKeySequence(Qt::CTRL | Qt::Key_G), &MainWindow::generate);
    add(gen, tr("Cancel and clear queue"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Period),
        &MainWindow::cancelGeneration);
    gen->addSeparator();
    QAction* preferences = add(gen, tr("Preferences…"), QKeySequence::Preferences, [this] {
        PreferencesDialog dialog(this);
        if (dialog.exec() == QDialog::Accepted)
            statusBar()->showMessage(
                tr("Preferences saved: a new language applies from the next start"), 8000);
    });
    preferences->setObjectName(QStringLiteral("preferencesAction"));
    preferences->setMenuRole(QAction::PreferencesRole);
    add(gen, tr("Quit"), QKeySequence::Quit, &QWidget::close);

    QMenu* take = menuBar()->addMenu(tr("&Take"));
    add(take, tr("Play / stop"), QKeySequence(Qt::Key_Space), &MainWindow::togglePlay);
    add(take, tr("Loop"), QKeySequence(Qt::Key_L), [this] { m_loopButton->toggle(); });
    add(take, tr("Waveform / spectrogram"), QKeySequence(Qt::Key_S),
        [this] { m_spectrumButton->toggle(); });
    take->addSeparator();
    add(take, tr("Put in slot A"), QKeySequence(Qt::SHIFT | Qt::Key_A), &MainWindow::setSlotA,
        true);
    add(take, tr("Put in slot B"), QKeySequence(Qt::SHIFT | Qt::Key_B), &MainWindow::setSlotB,
        true);
    add(take, tr("Switch A/B"), QKeySequence(Qt::Key_T), &MainWindow::toggleAB);
    take->addSeparator();
    add(take, tr("Recall settings"), QKeySequence(Qt::CTRL | Qt::Key_R), &MainWindow::recallCurrent,
        true);
    add(take, tr("Vary (same settings, new seed)"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
        &MainWindow::varyCurrent, true);
    add(take, tr("Vary from this take (as init audio)"),
        QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_R), &MainWindow::varyFromCurrent, true)
        ->setObjectName(QStringLiteral("varyFromTakeAction"));
    m_renderFinal = add(take, tr("Render final"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G),
                        &MainWindow::renderFinalCurrent, true);
    m_renderFinal->setObjectName(QStringLiteral("renderFinalAction"));
    m_renderFinal->setToolTip(tr("Render this draft at full quality: the same seed and "
                                 "settings with the steps and sampler it stands for"));
    m_renderFinal->setEnabled(false);
    m_retrySave = add(take, tr("Retry save"), QKeySequence(), &MainWindow::retrySave, true);
    m_retrySave->setObjectName(QStringLiteral("retrySaveAction"));
    m_retrySave->setToolTip(tr("Write the takes that could not be saved (marked ⚠ in the "
                               "list) to the output folder"));
    m_retrySave->setEnabled(false);
    add(take, tr("Export…"), QKeySequence(Qt::CTRL | Qt::Key_E), &MainWindow::exportCurrent, true);
    take->addSeparator();
    add(
        take, tr("Favourite"), QKeySequence(Qt::Key_F),
        [this] { m_model->toggleFavourite(currentRow()); }, true);
    add(
        take, tr("Reject"), QKeySequence(Qt::Key_X),
        [this] { m_model->toggleRejected(currentRow()); }, true);
    QMenu* rating = take->addMenu(tr("Rating"));
    for (int r = 0; r <= 5; ++r)
        add(rating, r == 0 ? tr("No rating") : QString(r, QChar(0x2605)),
            QKeySequence(Qt::Key_0 + r), [this, r] { m_model->setRating(currentRow(), r); });
    add(take, tr("Remove from list"), QKeySequence::Delete, &MainWindow::removeCurrent, true);
}

void MainWindow::persist() {
    if (m_import)
        return; // a library folder is coming in: the list is saved once it is all there
    m_store.saveInBackground(m_model->takes());
}

void MainWindow::saveWindowSettings() const {
    DeferredSettings s; // written off the GUI thread
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/mainSplit"), m_mainSplit->saveState());
    s.setValue(QStringLiteral("window/centreSplit"), m_centreSplit->saveState());
    s.setValue(QStringLiteral("window/loudnessMatch"), m_match->currentIndex());
    s.setValue(QStringLiteral("window/autoPlay"), m_autoPlay->isChecked());
    s.setValue(QStringLiteral("window/spectrogram"), m_spectrumButton->isChecked());
    s.setValue(QStringLiteral("window/frequencyAxis"), m_freqAxis->currentIndex());
}

void MainWindow::loadWindowSettings() {
    flushSettingsWrites();
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    m_mainSplit->restoreState(s.value(QStringLiteral("window/mainSplit")).toByteArray());
    m_centreSplit->restoreState(s.value(QStringLiteral("window/centreSplit")).toByteArray());
    m_match->setCurrentIndex(s.value(QStringLiteral("window/loudnessMatch"), 0).toInt());
    m_autoPlay->setChecked(s.value(QStringLiteral("window/autoPlay"), true).toBool());
    m_freqAxis->setCurrentIndex(s.value(QStringLiteral("window/frequencyAxis"), 0).toInt());
    setSpectrogramShown(s.value(QStringLiteral("window/spectrogram"), false).toBool());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    applyRetryResults(); // a retry still writing: wait for it, so the list and question are right
    const QVector<TakeRecord>& takes = m_model->takes();
    const auto unsaved = static_cast<int>(std::count_if(
        takes.begin(), takes.end(), [](const TakeRecord& t) { return t.isUnsaved(); }));
    if (unsaved > 0 &&
        QMessageBox::warning(this, tr("Unsaved takes"),
                             tr("%n take(s) could not be saved and exist only in this window. "
                                "Close anyway and lose them?",
                                "", unsaved),
                             QMessageBox::Close | QMessageBox::Cancel,
                             QMessageBox::Cancel) != QMessageBox::Close) {
        event->ignore();
        return;
    }
    m_player->stop();
    m_panel->saveSettings();
    saveWindowSettings();
    flushSettingsWrites(); // on disk before the app quits
    persist();
    m_store.waitForSaves();
    QMainWindow::closeEvent(event);
}

} // namespace footfall::ui
