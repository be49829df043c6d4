#include "main_window.h"

#include "correlation_meter_widget.h"
#include "export_dialog.h"
#include "generation_panel.h"
#include "goniometer_widget.h"
#include "metadata_panel.h"
#include "player.h"
#include "rating_delegate.h"
#include "take_drag.h"
#include "take_exporter.h"
#include "take_list_model.h"
#include "take_loader.h"
#include "waveform_view.h"

#include "io/audio_file.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDrag>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTime>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

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
    connect(m_waveform, &WaveformView::dragOutRequested, this, [this] {
        QMimeData* mime = waveformDragMime();
        if (!mime)
            return;
        auto* drag = new QDrag(m_waveform);
        drag->setMimeData(mime);
        drag->exec(Qt::CopyAction);
    });

    // Meters follow the player's clock at 40 fps, fed with the samples since the last tick.
    m_meterTimer = new QTimer(this);
    m_meterTimer->setInterval(25);
    m_meterTimer->setTimerType(Qt::PreciseTimer);
    connect(m_meterTimer, &QTimer::timeout, this, &MainWindow::feedMeters);

    m_panel->loadSettings();
    m_model->setTakes(m_store.load());
    loadWindowSettings();
    if (m_model->rowCount() > 0) {
        m_suppressAutoPlay = true;
        selectRow(0);
        m_suppressAutoPlay = false;
    }
}

MainWindow::~MainWindow() = default;

QWidget* MainWindow::buildCentre() {
    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("takeList"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setDragEnabled(true);
    m_table->setDragDropMode(QAbstractItemView::DragOnly);
    m_table->setDefaultDropAction(Qt::CopyAction);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(22);
    // The prompt gets the spare width; the rating is as narrow as five stars; every other
    // column fits its contents (fitColumns, whenever rows change).
    QHeaderView* header = m_table->horizontalHeader();
    header->setStretchLastSection(false);
    header->setMinimumSectionSize(18);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(TakeListModel::Prompt, QHeaderView::Stretch);
    header->setSectionResizeMode(TakeListModel::Rating, QHeaderView::Fixed);
    m_table->setItemDelegateForColumn(TakeListModel::Rating, new RatingDelegate(m_table));
    header->resizeSection(TakeListModel::Rating,
                          RatingDelegate::columnWidth(QFontMetrics(m_table->font())));
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_model, signal, this, &MainWindow::fitColumns);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::fitColumns);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MainWindow::fitColumns);
    fitColumns();
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);

    m_waveform = new WaveformView;

    auto* transport = new QWidget;
    transport->setObjectName(QStringLiteral("transport"));
    auto* t = new QHBoxLayout(transport);
    t->setContentsMargins(4, 2, 4, 2);
    t->setSpacing(4);
    m_playButton = new QToolButton;
    m_playButton->setObjectName(QStringLiteral("playButton"));
    m_playButton->setText(tr("▶ Play"));
    m_playButton->setToolTip(tr("Play / stop (Space)"));
    connect(m_playButton, &QToolButton::clicked, this, &MainWindow::togglePlay);
    m_loopButton = new QToolButton;
    m_loopButton->setObjectName(QStringLiteral("loopButton"));
    m_loopButton->setText(tr("⟲ Loop"));
    m_loopButton->setCheckable(true);
    m_loopButton->setToolTip(tr("Loop playback (L)"));
    connect(m_loopButton, &QToolButton::toggled, m_player, &Player::setLoop);
    m_spectrumButton = new QToolButton;
    m_spectrumButton->setObjectName(QStringLiteral("spectrogramButton"));
    m_spectrumButton->setText(tr("Spectrogram"));
    m_spectrumButton->setCheckable(true);
    m_spectrumButton->setToolTip(tr("Show the spectrogram instead of the waveform (S)"));
    connect(m_spectrumButton, &QToolButton::toggled, this, &MainWindow::setSpectrogramShown);
    m_freqAxis = new QComboBox;
    m_freqAxis->setObjectName(QStringLiteral("frequencyAxis"));
    m_freqAxis->addItem(tr("Log Hz"), int(WaveformView::FrequencyAxis::Log));
    m_freqAxis->addItem(tr("Linear Hz"), int(WaveformView::FrequencyAxis::Linear));
    m_freqAxis->setToolTip(tr("Frequency axis of the spectrogram"));
    m_freqAxis->setVisible(false);
    connect(m_freqAxis, &QComboBox::currentIndexChanged, this, [this] {
        m_waveform->setFrequencyAxis(
            static_cast<WaveformView::FrequencyAxis>(m_freqAxis->currentData().toInt()));
    });
    m_autoPlay = new QCheckBox(tr("Auto"));
    m_autoPlay->setObjectName(QStringLiteral("autoPlay"));
    m_autoPlay->setChecked(true);
    m_autoPlay->setToolTip(tr("Play a take as soon as it is selected (Up/Down to move)"));
    m_match = new QComboBox;
    m_match->setObjectName(QStringLiteral("loudnessMatch"));
    m_match->addItem(tr("As generated"), int(LoudnessMatch::Off));
    m_match->addItem(tr("Match −23 LUFS"), int(LoudnessMatch::Target));
    m_match->addItem(tr("Match quietest"), int(LoudnessMatch::Quietest));
    m_match->setToolTip(tr("Loudness-matched audition: a playback gain only, files are untouched"));
    m_match->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_match->setMinimumContentsLength(11);
    connect(m_match, &QComboBox::currentIndexChanged, this, &MainWindow::updateGain);
    m_gainLabel = new QLabel;
    m_gainLabel->setObjectName(QStringLiteral("gainLabel"));
    // Takes what is left of the row (the playback gain, "+3.2 dB (peak)"), never widening the
    // window; the same for the A/B label.
    m_gainLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto* levelLabel = new QLabel(tr("Level"));
    levelLabel->setBuddy(m_match);
    m_abLabel = new QLabel;
    m_abLabel->setObjectName(QStringLiteral("abLabel"));
    m_abLabel->setMinimumWidth(
        QFontMetrics(m_abLabel->font()).horizontalAdvance(QStringLiteral("A #9  B #9  ▸ A")));
    auto* a = new QToolButton;
    a->setText(QStringLiteral("A"));
    a->setToolTip(tr("Put the selected take in slot A (Shift+A)"));
    connect(a, &QToolButton::clicked, this, &MainWindow::setSlotA);
    auto* b = new QToolButton;
    b->setText(QStringLiteral("B"));
    b->setToolTip(tr("Put the selected take in slot B (Shift+B)"));
    connect(b, &QToolButton::clicked, this, &MainWindow::setSlotB);
    auto* ab = new QToolButton;
    ab->setObjectName(QStringLiteral("abButton"));
    ab->setText(tr("A⇄B"));
    ab->setToolTip(tr("Switch between A and B at the same position (T)"));
    connect(ab, &QToolButton::clicked, this, &MainWindow::toggleAB);
    t->addWidget(m_playButton);
    t->addWidget(m_loopButton);
    t->addWidget(m_autoPlay);
    t->addSpacing(8);
    t->addWidget(a);
    t->addWidget(b);
    t->addWidget(ab);
    t->addWidget(m_abLabel, 1);
    t->addWidget(levelLabel);
    t->addWidget(m_match);
    t->addWidget(m_gainLabel, 1);
    updateAbLabel();

    auto* lower = new QWidget;
    auto* lv = new QVBoxLayout(lower);
    lv->setContentsMargins(0, 0, 0, 0);
    lv->setSpacing(2);
    // View bar: waveform or spectrogram, and the spectrogram's frequency axis.
    auto* viewBar = new QWidget;
    viewBar->setObjectName(QStringLiteral("viewBar"));
    auto* vb = new QHBoxLayout(viewBar);
    vb->setContentsMargins(4, 0, 4, 0);
    vb->setSpacing(4);
    auto* waveButton = new QToolButton;
    waveButton->setObjectName(QStringLiteral("waveformButton"));
    waveButton->setText(tr("Waveform"));
    waveButton->setCheckable(true);
    waveButton->setChecked(true);
    waveButton->setToolTip(tr("Show the waveform (S toggles)"));
    connect(waveButton, &QToolButton::clicked, this, [this] { setSpectrogramShown(false); });
    connect(m_spectrumButton, &QToolButton::toggled, waveButton,
            [waveButton](bool on) { waveButton->setChecked(!on); });
    vb->addWidget(waveButton);
    vb->addWidget(m_spectrumButton);
    vb->addWidget(m_freqAxis);
    vb->addStretch(1);
    lv->addWidget(viewBar);
    lv->addWidget(m_waveform, 1);
    lv->addWidget(transport);

    m_centreSplit = new QSplitter(Qt::Vertical);
    m_centreSplit->addWidget(m_table);
    m_centreSplit->addWidget(lower);
    m_centreSplit->setStretchFactor(0, 1);
    m_centreSplit->setStretchFactor(1, 1);
    m_centreSplit->setChildrenCollapsible(false);
    return m_centreSplit;
}

QWidget* MainWindow::buildRight() {
    auto* right = new QWidget;
    right->setMinimumWidth(320);
    auto* v = new QVBoxLayout(right);
    v->setContentsMargins(4, 4, 4, 4);
    m_corr = new CorrelationMeterWidget;
    m_gonio = new GoniometerWidget;
    m_meta = new MetadataPanel;
    auto* title = new QLabel(tr("Stereo image"));
    title->setObjectName(QStringLiteral("sectionTitle"));
    v->addWidget(title);
    v->addWidget(m_corr);
    // Square by nature, but capped so the metadata below keeps room for its rows.
    m_gonio->setMaximumHeight(270);
    v->addWidget(m_gonio, 2);
    auto* metaTitle = new QLabel(tr("Metadata"));
    metaTitle->setObjectName(QStringLiteral("sectionTitle"));
    v->addWidget(metaTitle);
    v->addWidget(m_meta, 3);
    return right;
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
    QMenu* gen = menuBar()->addMenu(tr("&Generate"));
    add(gen, tr("Generate / queue"), QKeySequence(Qt::CTRL | Qt::Key_G), &MainWindow::generate);
    add(gen, tr("Cancel and clear queue"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Period),
        &MainWindow::cancelGeneration);
    gen->addSeparator();
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

void MainWindow::fitColumns() {
    QHeaderView* header = m_table->horizontalHeader();
    const QFontMetrics fm(m_table->font());
    const QFontMetrics hfm(header->font());
    const int rows = std::min(m_model->rowCount(), 500); // the newest; enough for the widths
    for (int c = 0; c < TakeListModel::ColumnCount; ++c) {
        if (c == TakeListModel::Prompt || c == TakeListModel::Rating)
            continue;
        int w = hfm.horizontalAdvance(
                    m_model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString()) +
                16;
        for (int r = 0; r < rows; ++r)
            w = std::max(w, fm.horizontalAdvance(m_model->index(r, c).data().toString()) + 14);
        header->resizeSection(c, w);
    }
}

int MainWindow::currentRow() const {
    const QModelIndex i = m_table->currentIndex();
    return i.isValid() ? i.row() : -1;
}

void MainWindow::selectRow(int row) {
    if (row < 0 || row >= m_model->rowCount())
        return;
    m_table->setCurrentIndex(m_model->index(row, TakeListModel::Prompt));
    m_table->selectRow(row);
}

std::shared_ptr<const AudioBuffer> MainWindow::audioFor(const TakeRecord& take) {
    if (const SharedTakeView a = m_cache.find(take.audioPath))
        return a->audio;
    try {
        return std::make_shared<const AudioBuffer>(readAudioFile(take.audioPath.toStdString()));
    } catch (const std::exception&) {
        return nullptr;
    }
}

void MainWindow::setSpectrogramShown(bool shown) {
    if (m_spectrumButton->isChecked() != shown)
        m_spectrumButton->setChecked(shown); // re-enters through toggled
    m_waveform->setDisplay(shown ? WaveformView::Display::Spectrogram
                                 : WaveformView::Display::Waveform);
    m_freqAxis->setVisible(shown);
}

void MainWindow::onCurrentChanged(int row) {
    if (row < 0 || row >= m_model->rowCount()) {
        m_current.reset();
        m_player->setAudio(nullptr, QString());
        m_waveform->setTake(nullptr);
        m_meta->clear();
        m_corr->clear();
        m_gonio->clear();
        return;
    }
    const TakeRecord& take = m_model->take(row);
    m_meta->setMetadata(take.metadata, take.audioPath);
    if (SharedTakeView analysis = m_cache.find(take.audioPath)) {
        showTake(take, std::move(analysis));
        return;
    }
    // Not in memory: read and analyse it on the loader's thread, show it when it arrives.
    m_current.reset();
    if (!m_abSwitching)
        m_player->setAudio(nullptr, QString());
    m_waveform->setTake(nullptr);
    m_waveform->setLoading(true);
    m_corr->clear();
    m_gonio->clear();
    m_loader->request(take.audioPath);
}

void MainWindow::onTakeLoaded(const QString& path, SharedTakeView analysis, const QString& error) {
    if (analysis)
        m_cache.put(path, analysis);
    const int row = currentRow();
    if (row < 0 || m_model->take(row).audioPath != path)
        return; // the user has moved on; the analysis stays cached
    if (!analysis) {
        m_waveform->setLoading(false);
        statusBar()->showMessage(tr("Cannot read %1: %2").arg(path, error), 8000);
        return;
    }
    showTake(m_model->take(row), std::move(analysis));
}

void MainWindow::showTake(const TakeRecord& take, SharedTakeView analysis) {
    m_current = std::move(analysis);
    const auto& audio = m_current->audio;
    if (m_abSwitching) {
        m_player->switchAudio(audio, take.audioPath);
        const std::size_t pos = m_player->positionFrames();
        m_waveform->setTake(m_current);
        m_waveform->setPlayhead(pos);
        m_lastFed = pos;
    } else {
        m_player->setAudio(audio, take.audioPath);
        m_waveform->setTake(m_current);
    }
    updateGain();
    updateAbLabel();
    if (!m_player->isPlaying())
        showStaticMeters();
    if (!m_abSwitching && !m_suppressAutoPlay && m_autoPlay->isChecked())
        m_player->play();
}

void MainWindow::showStaticMeters() {
    // Everything here was computed off the GUI thread (TakeViewData).
    if (!m_current || !m_current->audio || m_current->audio->empty()) {
        m_corr->clear();
        m_gonio->clear();
        return;
    }
    m_corr->setSummary(m_current->correlation, m_current->lowestCorrelation);
    m_gonio->showCloud(m_current->goniometer);
}

void MainWindow::onPlayingChanged(bool playing) {
    m_playButton->setText(playing ? tr("■ Stop") : tr("▶ Play"));
    if (playing) {
        const auto& audio = m_player->audio();
        m_corr->reset(audio ? audio->sampleRate() : 44100);
        m_gonio->clear();
        m_lastFed = m_player->positionFrames();
        m_meterTimer->start();
    } else {
        m_meterTimer->stop();
        showStaticMeters();
    }
}

void MainWindow::feedMeters() {
    const auto& audio = m_player->audio();
    if (!audio || audio->empty() || !m_player->isPlaying())
        return;
    const std::size_t n = audio->frames();
    const std::size_t pos = std::min(m_player->positionFrames(), n);
    const float* l = audio->channel(0);
    const float* r = audio->channel(audio->channels() > 1 ? 1 : 0);
    const auto feed = [&](std::size_t from, std::size_t to) {
        if (to <= from)
            return;
        // After a stall, only the last 200 ms matter for what is on screen.
        from = std::max(
            from, to > std::size_t(audio->sampleRate() / 5) ? to - audio->sampleRate() / 5 : 0);
        m_corr->process(l + from, r + from, to - from);
        m_gonio->process(l + from, r + from, to - from);
    };
    if (pos >= m_lastFed) {
        feed(m_lastFed, pos);
    } else { // looped around
        feed(m_lastFed, n);
        feed(0, pos);
    }
    m_lastFed = pos;
    m_waveform->setPlayhead(pos);
}

void MainWindow::setLoudnessMatch(LoudnessMatch mode) {
    m_match->setCurrentIndex(std::max(0, m_match->findData(int(mode))));
    updateGain();
}

void MainWindow::setAutoPlay(bool on) {
    m_autoPlay->setChecked(on);
}

void MainWindow::updateGain() {
    const int row = m_model->rowOfPath(m_player->key());
    if (row < 0) {
        m_gainLabel->clear();
        return;
    }
    const TakeRecord& take = m_model->take(row);
    const auto mode = static_cast<LoudnessMatch>(m_match->currentData().toInt());
    const std::optional<double> reference = mode == LoudnessMatch::Target
                                                ? std::optional<double>(-23.0)
                                                : quietestLoudness(m_model->takes());
    const PlaybackGain g = playbackGain(take.loudnessLufs(), take.peakDb(), mode, reference);
    m_player->setGainDb(g.gainDb);
    m_gainLabel->setText(mode == LoudnessMatch::Off
                             ? QString()
                             : QStringLiteral("%1%2 dB%3")
                                   .arg(g.gainDb >= 0 ? QStringLiteral("+") : QString())
                                   .arg(g.gainDb, 0, 'f', 1)
                                   .arg(g.limited ? QStringLiteral(" (peak)") : QString()));
    m_gainLabel->setToolTip(g.limited ? tr("Boost limited so the peak stays below 0 dBFS")
                                      : QString());
}

QString MainWindow::gainText() const {
    return m_gainLabel->text();
}

void MainWindow::updateAbLabel() {
    const auto name = [this](const QString& path) {
        const int row = m_model->rowOfPath(path);
        return row < 0 ? QStringLiteral("—") : QStringLiteral("#%1").arg(m_model->rowCount() - row);
    };
    QString text = QStringLiteral("A %1  B %2").arg(name(m_slotA), name(m_slotB));
    if (!m_player->key().isEmpty() && m_player->key() == m_slotA)
        text += tr("  ▸ A");
    else if (!m_player->key().isEmpty() && m_player->key() == m_slotB)
        text += tr("  ▸ B");
    m_abLabel->setText(text);
}

QString MainWindow::abText() const {
    return m_abLabel->text();
}

void MainWindow::setSlotA() {
    if (currentRow() >= 0)
        m_slotA = m_model->take(currentRow()).audioPath;
    updateAbLabel();
}

void MainWindow::setSlotB() {
    if (currentRow() >= 0)
        m_slotB = m_model->take(currentRow()).audioPath;
    updateAbLabel();
}

void MainWindow::toggleAB() {
    if (m_slotA.isEmpty() || m_slotB.isEmpty()) {
        statusBar()->showMessage(
            tr("Put one take in slot A (Shift+A) and one in B (Shift+B) first"), 5000);
        return;
    }
    const QString target = m_player->key() == m_slotA ? m_slotB : m_slotA;
    const int row = m_model->rowOfPath(target);
    if (row < 0)
        return;
    m_abSwitching = true;
    selectRow(row);
    m_abSwitching = false;
}

void MainWindow::togglePlay() {
    m_player->togglePlay();
}

void MainWindow::generate() {
    m_panel->clearError();
    const GenerationJob job = m_panel->makeJob();
    m_panel->rememberPrompt(QString::fromStdString(job.request.prompt));
    m_panel->saveSettings();
    const bool queued = m_queue->isBusy();
    m_jobPrompts.insert(m_queue->submit(job), QString::fromStdString(job.request.prompt));
    if (queued)
        m_panel->showStatus(tr("Queued: %1").arg(QString::fromStdString(job.request.prompt)));
}

void MainWindow::cancelGeneration() {
    if (m_queue->isBusy() || m_queue->pendingCount() > 0)
        m_panel->showStatus(tr("Cancelling…"));
    for (const GenerationJob& job : m_queue->pendingJobs())
        m_jobPrompts.remove(job.id);
    m_queue->cancelAll();
}

void MainWindow::onTakeSaved(int, const TakeRecord& take, SharedTakeView analysis) {
    ++m_takesThisJob;
    addTake(take, std::move(analysis));
    m_panel->showSeedUsed(take.seed());
}

void MainWindow::addTake(const TakeRecord& take, SharedTakeView analysis) {
    if (analysis)
        m_cache.put(take.audioPath, std::move(analysis));
    // Keep the listener's place: a new take only becomes current when nothing is playing.
    const QString current = m_player->key();
    m_model->addTake(take);
    if (!m_player->isPlaying()) {
        m_suppressAutoPlay = true;
        selectRow(0);
        m_suppressAutoPlay = false;
    } else if (const int row = m_model->rowOfPath(current); row >= 0) {
        m_table->selectionModel()->blockSignals(true);
        m_table->setCurrentIndex(m_model->index(row, TakeListModel::Prompt));
        m_table->selectRow(row);
        m_table->selectionModel()->blockSignals(false);
    }
    updateGain();
}

void MainWindow::updateQueueView() {
    m_panel->setBusy(m_queue->isBusy(), m_queue->pendingCount());
    QVector<QPair<int, QString>> pending;
    for (const GenerationJob& job : m_queue->pendingJobs())
        pending.push_back({job.id, QString::fromStdString(job.request.prompt)});
    m_panel->setPending(pending);
    // English plurals without "(s)": "1 …" for one, the %n form (numerus in translations) else.
    const int pendingCount = m_queue->pendingCount();
    if (pendingCount > 0)
        statusBar()->showMessage(pendingCount == 1 ? tr("1 prompt queued")
                                                   : tr("%n prompts queued", "", pendingCount));
    else if (statusBar()->currentMessage() == tr("1 prompt queued"))
        statusBar()->clearMessage(); // the last waiting prompt has started
}

void MainWindow::onJobFinished(int jobId, bool cancelled, const QString& error) {
    const QString prompt = m_jobPrompts.take(jobId);
    const QString time = QTime::currentTime().toString(QStringLiteral("HH:mm"));
    if (!error.isEmpty())
        m_panel->addLogEntry(tr("%1 %2 — failed: %3").arg(time, prompt, error), false);
    else if (cancelled)
        m_panel->addLogEntry(tr("%1 %2 — cancelled, takes kept: %3")
                                 .arg(time, prompt, QString::number(m_takesThisJob)),
                             false);
    else
        m_panel->addLogEntry(tr("%1 %2 (×%3)").arg(time, prompt, QString::number(m_takesThisJob)),
                             true);
    if (!error.isEmpty()) {
        m_panel->showError(error);
        m_panel->showStatus(tr("Failed"));
        statusBar()->showMessage(tr("Generation failed"), 5000);
    } else if (cancelled) {
        m_panel->showStatus(m_takesThisJob == 1
                                ? tr("Cancelled (1 take kept)")
                                : tr("Cancelled (%n takes kept)", "", m_takesThisJob));
    } else {
        m_panel->showStatus(m_takesThisJob == 1 ? tr("Done: 1 take")
                                                : tr("Done: %n takes", "", m_takesThisJob));
    }
    m_takesThisJob = 0;
}

void MainWindow::recallCurrent() {
    if (currentRow() < 0)
        return;
    m_panel->recall(m_model->take(currentRow()));
    statusBar()->showMessage(tr("Settings of the take recalled (seed locked)"), 4000);
}

void MainWindow::varyCurrent() {
    if (currentRow() < 0)
        return;
    m_panel->recall(m_model->take(currentRow()));
    m_panel->setSeedLocked(false);
    generate();
}

void MainWindow::removeCurrent() {
    const int row = currentRow();
    if (row < 0)
        return;
    m_model->removeTakeAt(row); // the file stays on disk: the list is a view of the library
    selectRow(std::min(row, m_model->rowCount() - 1));
}

QMimeData* MainWindow::waveformDragMime() {
    const int row = m_model->rowOfPath(m_player->key());
    if (row < 0)
        return nullptr;
    const TakeRecord& take = m_model->take(row);
    const auto sel = m_waveform->selection();
    if (!sel)
        return makeTakeMimeData({take.audioPath});
    auto audio = audioFor(take);
    if (!audio)
        return nullptr;
    try {
        const QString folder = QFileInfo(take.audioPath).dir().filePath(QStringLiteral("exports"));
        return makeTakeMimeData(
            {writeSelectionFile(take, *audio, sel->first, sel->second, folder)});
    } catch (const std::exception& e) {
        statusBar()->showMessage(
            tr("Cannot write the selection: %1").arg(QString::fromUtf8(e.what())), 8000);
        return nullptr;
    }
}

void MainWindow::exportCurrent() {
    const int row = currentRow();
    if (row < 0)
        return;
    const TakeRecord take = m_model->take(row);
    auto audio = audioFor(take);
    if (!audio)
        return;
    ExportDialog dialog(this);
    prepareExportDialog(dialog, row);
    if (dialog.exec() != QDialog::Accepted)
        return;
    dialog.saveSettings();
    const ExportResult result = exportTake(take, *audio, dialog.options());
    if (!result.error.isEmpty()) {
        m_panel->showError(tr("Export failed: %1").arg(result.error));
        return;
    }
    const int files = int(result.files.size());
    const QString folder = QFileInfo(result.files.value(0)).absolutePath();
    statusBar()->showMessage(files == 1 ? tr("Exported 1 file to %1").arg(folder)
                                        : tr("Exported %n files to %1", "", files).arg(folder),
                             8000);
}

void MainWindow::prepareExportDialog(ExportDialog& dialog, int row) {
    dialog.setDefaultFolder(QDir(m_panel->outputFolder()).filePath(QStringLiteral("exports")));
    dialog.loadSettings();
    if (row < 0 || row >= m_model->rowCount())
        return;
    const TakeRecord& take = m_model->take(row);
    const auto& audio = m_player->key() == take.audioPath ? m_player->audio() : nullptr;
    dialog.setContext(take.fileName(), audio ? m_waveform->selection() : std::nullopt,
                      audio ? audio->sampleRate() : 0);
}

void MainWindow::persist() {
    m_store.save(m_model->takes());
}

void MainWindow::saveWindowSettings() const {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/mainSplit"), m_mainSplit->saveState());
    s.setValue(QStringLiteral("window/centreSplit"), m_centreSplit->saveState());
    s.setValue(QStringLiteral("window/loudnessMatch"), m_match->currentIndex());
    s.setValue(QStringLiteral("window/autoPlay"), m_autoPlay->isChecked());
    s.setValue(QStringLiteral("window/spectrogram"), m_spectrumButton->isChecked());
    s.setValue(QStringLiteral("window/frequencyAxis"), m_freqAxis->currentIndex());
}

void MainWindow::loadWindowSettings() {
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
    m_player->stop();
    m_panel->saveSettings();
    saveWindowSettings();
    persist();
    QMainWindow::closeEvent(event);
}

} // namespace footfall::ui
