// MainWindow's widgets and their layout: the take list, the waveform with its view bar and
// transport row, the stereo-image and metadata column; the waveform/spectrogram switch.
#include "app/main_window.h"

#include "player/player.h"
#include "takes/rating_delegate.h"
#include "takes/take_list_model.h"
#include "views/correlation_meter_widget.h"
#include "views/goniometer_widget.h"
#include "views/metadata_panel.h"
#include "views/waveform_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace footfall::ui {

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

    QWidget* transport = buildTransport();

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

QWidget* MainWindow::buildTransport() {
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
    return transport;
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

void MainWindow::setSpectrogramShown(bool shown) {
    if (m_spectrumButton->isChecked() != shown)
        m_spectrumButton->setChecked(shown); // re-enters through toggled
    m_waveform->setDisplay(shown ? WaveformView::Display::Spectrogram
                                 : WaveformView::Display::Waveform);
    m_freqAxis->setVisible(shown);
}

} // namespace footfall::ui
