#include "generate/generation_panel.h"

#include "app/deferred_settings.h"
#include "generate/generation_worker.h"

#include "generate/lora_list_widget.h"
#include "generate/prompt_builder.h"
#include "takes/take_store.h"

#include "engines/engine_factory.h"
#include "generation/draft.h"
#include "generation/recall.h"
#include "io/file_check.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace footfall::ui {

namespace {
constexpr int kHistorySize = 50;

// The init noise level's range, on a logarithmic slider: 0.01 keeps the init audio almost as
// it is; SAO 1.0's full noise is 500 (rectified-flow models such as SAO small stop at 1).
constexpr double kMinInitNoise = 0.01;
constexpr double kMaxInitNoise = 500.0;
constexpr int kNoiseSliderSteps = 1000;

int noiseToSlider(double level) {
    const double t = std::log(std::clamp(level, kMinInitNoise, kMaxInitNoise) / kMinInitNoise) /
                     std::log(kMaxInitNoise / kMinInitNoise);
    return static_cast<int>(std::lround(t * kNoiseSliderSteps));
}

double sliderToNoise(int position) {
    const double t = static_cast<double>(position) / kNoiseSliderSteps;
    return kMinInitNoise * std::pow(kMaxInitNoise / kMinInitNoise, t);
}

QLineEdit* folderRow(QWidget* parent, const QString& name, QLayout*& rowOut, const QString& title) {
    auto* edit = new QLineEdit(parent);
    edit->setObjectName(name);
    auto* browse = new QToolButton(parent);
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(title);
    QObject::connect(browse, &QToolButton::clicked, parent, [parent, edit, title] {
        const QString dir = QFileDialog::getExistingDirectory(parent, title, edit->text());
        if (!dir.isEmpty())
            edit->setText(dir);
    });
    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(edit, 1);
    row->addWidget(browse);
    rowOut = row;
    return edit;
}
} // namespace

GenerationPanel::GenerationPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("generationPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(4);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("errorBanner"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setVisible(false);

    layout->addWidget(buildPromptBox());
    layout->addWidget(buildSettingsBox());
    layout->addWidget(buildEngineBox());
    layout->addWidget(buildInitAudioBox());
    layout->addWidget(buildAdvancedBox());

    m_generate = new QPushButton(tr("Generate"), this);
    m_generate->setObjectName(QStringLiteral("generateButton"));
    m_generate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_generate->setToolTip(
        tr("Generate (Ctrl+Enter). While a run is going, this queues the prompt."));
    m_generate->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_cancel->setToolTip(tr("Stop the run within one step and drop the queue (Ctrl+.)"));
    m_cancel->setEnabled(false);
    m_draft = new QToolButton(this);
    m_draft->setObjectName(QStringLiteral("draftToggle"));
    m_draft->setText(tr("Draft"));
    m_draft->setCheckable(true);
    m_draft->setToolTip(
        tr("Draft: generate quickly with %1 steps and a fast sampler, the same seed and every "
           "other setting. Take ▸ Render final renders a chosen draft at full quality.")
            .arg(DraftPreset::steps));
    connect(m_generate, &QPushButton::clicked, this, &GenerationPanel::generateRequested);
    connect(m_cancel, &QPushButton::clicked, this, &GenerationPanel::cancelRequested);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_generate, 2);
    buttons->addWidget(m_draft);
    buttons->addWidget(m_cancel, 1);
    layout->addLayout(buttons);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progressBar"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(8);
    // Elapsed time and ETA next to the bar; its clock ticks between the worker's reports.
    m_eta = new QLabel(this);
    m_eta->setObjectName(QStringLiteral("etaLabel"));
    m_etaTimer = new QTimer(this);
    m_etaTimer->setInterval(1000);
    connect(m_etaTimer, &QTimer::timeout, this, &GenerationPanel::showTiming);
    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1, Qt::AlignVCenter);
    progressRow->addWidget(m_eta, 0, Qt::AlignVCenter);
    layout->addLayout(progressRow);
    m_status = new QLabel(tr("Ready"), this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    // No word wrap: a height-for-width label would make the scroll area size the panel to its
    // preferred height (a needless scroll bar); the full text is in the tooltip.
    layout->addWidget(m_status);
    layout->addWidget(m_error);
    layout->addWidget(buildQueueBox(), 1);

    // Whether the chosen engine can use init audio follows the engine and the model folder.
    connect(m_engine, &QComboBox::currentIndexChanged, this,
            &GenerationPanel::updateInitAudioState);
    connect(m_modelDir, &QLineEdit::textChanged, this, &GenerationPanel::updateInitAudioState);
    updateInitAudioState();
}

QWidget* GenerationPanel::buildPromptBox() {
    auto* box = new QGroupBox(tr("Prompt"), this);
    auto* v = new QVBoxLayout(box);
    m_prompt = new QComboBox(box);
    m_prompt->setObjectName(QStringLiteral("promptEdit"));
    m_prompt->setEditable(true);
    m_prompt->setInsertPolicy(QComboBox::NoInsert);
    m_prompt->setMaxCount(kHistorySize);
    m_prompt->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_prompt->setMinimumContentsLength(12);
    m_prompt->lineEdit()->setPlaceholderText(tr("e.g. heavy boots walking on wet gravel"));
    m_prompt->setToolTip(tr("The prompt; the list holds your recent prompts"));
    m_prompt->lineEdit()->setClearButtonEnabled(true);
    v->addWidget(m_prompt);
    m_negative = new QLineEdit(box);
    m_negative->setObjectName(QStringLiteral("negativePromptEdit"));
    m_negative->setPlaceholderText(tr("Negative prompt (what to avoid)"));
    v->addWidget(m_negative);

    m_builderToggle = new QToolButton(box);
    m_builderToggle->setObjectName(QStringLiteral("builderToggle"));
    m_builderToggle->setText(tr("Prompt builder"));
    m_builderToggle->setCheckable(true);
    m_builderToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_builderToggle->setArrowType(Qt::RightArrow);
    m_builder = new PromptBuilder(box);
    m_builder->setVisible(false);
    connect(m_builderToggle, &QToolButton::toggled, this, [this](bool on) {
        m_builderToggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
        if (on)
            m_builder->readPrompt(promptText());
        m_builder->setVisible(on);
    });
    connect(m_builder, &PromptBuilder::promptBuilt, this, [this](const QString& p) {
        if (!p.isEmpty())
            setPromptText(p);
    });
    v->addWidget(m_builderToggle, 0, Qt::AlignLeft);
    v->addWidget(m_builder);
    return box;
}

QWidget* GenerationPanel::buildSettingsBox() {
    auto* box = new QGroupBox(tr("Settings"), this);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_duration = new QDoubleSpinBox(box);
    m_duration->setObjectName(QStringLiteral("durationSpin"));
    m_duration->setRange(RequestLimits::minDuration, RequestLimits::maxDuration);
    m_duration->setDecimals(1);
    m_duration->setSingleStep(0.5);
    m_duration->setSuffix(tr(" s"));
    m_duration->setValue(4.0);
    m_takes = new QSpinBox(box);
    m_takes->setObjectName(QStringLiteral("takesSpin"));
    m_takes->setRange(1, RequestLimits::maxBatch);
    m_takes->setValue(1);
    auto* row1 = new QHBoxLayout;
    row1->addWidget(m_duration, 1);
    auto* takesLabel = new QLabel(tr("Takes"), box);
    takesLabel->setBuddy(m_takes);
    row1->addWidget(takesLabel);
    row1->addWidget(m_takes, 1);
    auto* durationLabel = new QLabel(tr("&Duration"), box);
    durationLabel->setBuddy(m_duration);
    form->addRow(durationLabel, row1);

    m_steps = new QSpinBox(box);
    m_steps->setObjectName(QStringLiteral("stepsSpin"));
    m_steps->setRange(RequestLimits::minSteps, RequestLimits::maxSteps);
    m_steps->setValue(100);
    m_cfg = new QDoubleSpinBox(box);
    m_cfg->setObjectName(QStringLiteral("cfgSpin"));
    m_cfg->setRange(RequestLimits::minCfg, RequestLimits::maxCfg);
    m_cfg->setDecimals(1);
    m_cfg->setSingleStep(0.5);
    m_cfg->setValue(7.0);
    auto* row2 = new QHBoxLayout;
    row2->addWidget(m_steps, 1);
    auto* cfgLabel = new QLabel(tr("CFG"), box);
    cfgLabel->setBuddy(m_cfg);
    row2->addWidget(cfgLabel);
    row2->addWidget(m_cfg, 1);
    auto* stepsLabel = new QLabel(tr("&Steps"), box);
    stepsLabel->setBuddy(m_steps);
    form->addRow(stepsLabel, row2);

    m_sampler = new QComboBox(box);
    m_sampler->setObjectName(QStringLiteral("samplerCombo"));
    m_sampler->setEditable(true);
    // A typed name stays the edit text (makeJob passes it on, the engine refuses it in words):
    // inserted as an item it would carry no data and silently mean "engine default".
    m_sampler->setInsertPolicy(QComboBox::NoInsert);
    m_sampler->addItem(tr("engine default"), QString());
    for (const char* s : {"dpmpp-3m-sde", "dpmpp-2m-sde", "dpmpp-2m", "v-ddim", "k-euler", "euler",
                          "pingpong", "dpmpp"})
        m_sampler->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
    form->addRow(tr("Sa&mpler"), m_sampler);

    m_seed = new QLineEdit(box);
    m_seed->setObjectName(QStringLiteral("seedEdit"));
    m_seed->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{0,10}")), m_seed));
    m_seed->setPlaceholderText(tr("random"));
    m_seedLock = new QCheckBox(tr("Lock"), box);
    m_seedLock->setObjectName(QStringLiteral("seedLock"));
    m_seedLock->setToolTip(tr("Locked: every run uses this seed. Unlocked: a new random seed per "
                              "run; the field shows the seed last used."));
    auto* dice = new QToolButton(box);
    dice->setText(QStringLiteral("⚄"));
    dice->setToolTip(tr("New random seed (locks it)"));
    connect(dice, &QToolButton::clicked, this, [this] {
        m_seed->setText(QString::number(
            QRandomGenerator::global()->bounded(static_cast<quint64>(RequestLimits::maxSeed) + 1)));
        setSeedLocked(true);
    });
    connect(m_seedLock, &QCheckBox::toggled, this,
            [this](bool locked) { m_seed->setReadOnly(!locked); });
    m_seed->setReadOnly(true);
    auto* row3 = new QHBoxLayout;
    row3->addWidget(m_seed, 1);
    row3->addWidget(m_seedLock);
    row3->addWidget(dice);
    auto* seedLabel = new QLabel(tr("S&eed"), box);
    seedLabel->setBuddy(m_seed);
    form->addRow(seedLabel, row3);
    return box;
}

QWidget* GenerationPanel::buildEngineBox() {
    auto* box = new QGroupBox(tr("Engine and output"), this);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_engine = new QComboBox(box);
    m_engine->setObjectName(QStringLiteral("engineCombo"));
    m_engine->addItem(tr("auto"), QStringLiteral("auto"));
    m_engine->setToolTip(tr("auto: Stable Audio Open when a model folder is set, else procedural"));
    m_engine->addItem(tr("procedural"), QStringLiteral("procedural"));
    m_engine->addItem(tr("Stable Audio Open"), QStringLiteral("sao"));
    m_device = new QComboBox(box);
    m_device->setToolTip(tr("Device for the model (auto, cpu or cuda)"));
    m_device->setObjectName(QStringLiteral("deviceCombo"));
    for (const char* d : {"auto", "cpu", "cuda"})
        m_device->addItem(QString::fromLatin1(d), QString::fromLatin1(d));
    auto* row = new QHBoxLayout;
    row->addWidget(m_engine, 2);
    row->addWidget(m_device, 1);
    form->addRow(tr("Engine"), row);
    QLayout* modelRow = nullptr;
    m_modelDir = folderRow(box, QStringLiteral("modelFolderEdit"), modelRow,
                           tr("Choose a stable-audio-open model folder"));
    m_modelDir->setPlaceholderText(tr("none: procedural engine"));
    form->addRow(tr("Model"), modelRow);
    m_loras = new LoraListWidget(box);
    form->addRow(tr("LoRAs"), m_loras);
    QLayout* outRow = nullptr;
    m_outputDir = folderRow(box, QStringLiteral("outputFolderEdit"), outRow,
                            tr("Choose the folder for new takes"));
    form->addRow(tr("Output"), outRow);
    return box;
}

QWidget* GenerationPanel::buildInitAudioBox() {
    // Folded like "Advanced" until it is opened or init audio is set: the run log keeps its
    // room in a window of the default size.
    auto* outer = new QWidget(this);
    auto* v = new QVBoxLayout(outer);
    v->setContentsMargins(0, 0, 0, 0);
    m_initToggle = new QToolButton(outer);
    m_initToggle->setObjectName(QStringLiteral("initAudioToggle"));
    m_initToggle->setText(tr("Vary from audio"));
    m_initToggle->setCheckable(true);
    m_initToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_initToggle->setArrowType(Qt::RightArrow);
    auto* box = new QGroupBox(outer);
    m_initBox = box;
    box->setObjectName(QStringLiteral("initAudioBox"));
    box->setVisible(false);
    connect(m_initToggle, &QToolButton::toggled, this, [this](bool on) {
        m_initToggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
        m_initBox->setVisible(on);
    });
    v->addWidget(m_initToggle, 0, Qt::AlignLeft);
    v->addWidget(box);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_initName = new QLineEdit(box);
    m_initName->setObjectName(QStringLiteral("initAudioEdit"));
    m_initName->setReadOnly(true);
    m_initName->setPlaceholderText(tr("none: drop a WAV or FLAC on the window"));
    auto* browse = new QToolButton(box);
    browse->setObjectName(QStringLiteral("initAudioBrowse"));
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(tr("Choose a WAV or FLAC file to vary"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Choose audio to vary"), QFileInfo(m_initPath).absolutePath(),
            tr("Audio (*.wav *.flac);;All files (*)"));
        if (file.isEmpty())
            return;
        if (const QString problem = initAudioProblem(file); !problem.isEmpty()) {
            showError(problem);
            return;
        }
        clearError();
        setInitAudio(file);
    });
    m_initClear = new QToolButton(box);
    m_initClear->setObjectName(QStringLiteral("initAudioClear"));
    m_initClear->setText(QStringLiteral("×"));
    m_initClear->setToolTip(tr("Remove the init audio: generate from noise again"));
    connect(m_initClear, &QToolButton::clicked, this, [this] { setInitAudio(QString()); });
    auto* fileRow = new QHBoxLayout;
    fileRow->setContentsMargins(0, 0, 0, 0);
    fileRow->addWidget(m_initName, 1);
    fileRow->addWidget(m_initClear);
    fileRow->addWidget(browse);
    auto* fileLabel = new QLabel(tr("&Init audio"), box);
    fileLabel->setBuddy(m_initName);
    form->addRow(fileLabel, fileRow);

    m_initNoiseSlider = new QSlider(Qt::Horizontal, box);
    m_initNoiseSlider->setObjectName(QStringLiteral("initNoiseSlider"));
    m_initNoiseSlider->setRange(0, kNoiseSliderSteps);
    m_initNoise = new QDoubleSpinBox(box);
    m_initNoise->setObjectName(QStringLiteral("initNoiseSpin"));
    m_initNoise->setRange(kMinInitNoise, kMaxInitNoise);
    m_initNoise->setDecimals(2);
    m_initNoise->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    // Their tooltips depend on the engine: updateInitAudioState.
    connect(m_initNoiseSlider, &QSlider::valueChanged, this, [this](int position) {
        if (noiseToSlider(m_initNoise->value()) != position)
            m_initNoise->setValue(sliderToNoise(position));
    });
    connect(m_initNoise, &QDoubleSpinBox::valueChanged, this, [this](double level) {
        const QSignalBlocker block(m_initNoiseSlider);
        m_initNoiseSlider->setValue(noiseToSlider(level));
    });
    setInitNoiseLevel(GenerationRequest().initNoiseLevel);
    auto* noiseRow = new QHBoxLayout;
    noiseRow->setContentsMargins(0, 0, 0, 0);
    noiseRow->addWidget(m_initNoiseSlider, 1);
    noiseRow->addWidget(m_initNoise);
    auto* noiseLabel = new QLabel(tr("&Noise"), box);
    noiseLabel->setBuddy(m_initNoise);
    form->addRow(noiseLabel, noiseRow);

    // Says in words why init audio does nothing here (the procedural engine, a missing file).
    m_initHint = new QLabel(box);
    m_initHint->setObjectName(QStringLiteral("initAudioHint"));
    m_initHint->setStyleSheet(QStringLiteral("color: #f0a060;"));
    // Never wider than the panel: it wraps (the whole story is in the tooltip).
    m_initHint->setWordWrap(true);
    form->addRow(m_initHint);
    return outer;
}

void GenerationPanel::setInitAudio(const QString& path) {
    m_initPath = path;
    if (!path.isEmpty())
        m_initToggle->setChecked(true); // what the next take varies is always in sight
    updateInitAudioState();
}

double GenerationPanel::initNoiseLevel() const {
    return m_initNoise->value();
}

void GenerationPanel::setInitNoiseLevel(double level) {
    m_initNoise->setValue(level);
    const QSignalBlocker block(m_initNoiseSlider);
    m_initNoiseSlider->setValue(noiseToSlider(m_initNoise->value()));
}

QString GenerationPanel::initAudioProblem(const QString& path) {
    const QFileInfo info(path);
    if (!info.exists())
        return tr("Cannot use %1 as init audio: the file does not exist.").arg(path);
    if (info.isDir())
        return tr("Cannot use %1 as init audio: it is a folder, not a WAV or FLAC file.")
            .arg(info.fileName());
    const auto audio = probeAudioFile(path.toStdString());
    if (!audio || (audio->container != "wav" && audio->container != "flac"))
        return tr("Cannot use %1 as init audio: it is not a WAV or FLAC file.")
            .arg(info.fileName());
    if (audio->frames <= 0)
        return tr("Cannot use %1 as init audio: it holds no samples.").arg(info.fileName());
    return {};
}

void GenerationPanel::updateInitAudioState() {
    const bool set = !m_initPath.isEmpty();
    m_initName->setText(set ? QFileInfo(m_initPath).fileName() : QString());
    m_initName->setToolTip(set ? m_initPath
                               : tr("Drop a WAV or FLAC file on the window, choose one with …, "
                                    "or use Take ▸ Vary from this take"));
    m_initClear->setVisible(set);
    EngineOptions e;
    e.engine = m_engine->currentData().toString().toStdString();
    e.modelDir = m_modelDir->text().trimmed().toStdString();
    const bool applies = resolveEngineName(e) == "sao";
    m_initNoiseSlider->setEnabled(applies && set);
    m_initNoise->setEnabled(applies && set);
    QString hint, hintTip;
    if (!applies) {
        hint = tr("The procedural engine cannot vary audio");
        hintTip = tr("Init audio needs Stable Audio Open: the procedural engine cannot vary "
                     "audio. Choose the Stable Audio Open engine and a model folder.");
    } else if (set && !QFileInfo::exists(m_initPath)) {
        hint = tr("The file is missing");
        hintTip = tr("%1 does not exist (any more): generating would fail.").arg(m_initPath);
    }
    m_initHint->setText(hint);
    m_initHint->setToolTip(hintTip);
    m_initHint->setVisible(!hint.isEmpty());
    if (!applies) {
        m_initNoiseSlider->setToolTip(hintTip);
        m_initNoise->setToolTip(hintTip);
    } else {
        const QString noiseTip =
            tr("How far the variation may move from the init audio: sampling starts at this "
               "noise level instead of pure noise. Low values stay close to it; SAO 1.0 all but "
               "ignores it at 500, rectified-flow models (SAO small) at 1.");
        m_initNoiseSlider->setToolTip(noiseTip);
        m_initNoise->setToolTip(noiseTip);
    }
}

QWidget* GenerationPanel::buildAdvancedBox() {
    auto* box = new QWidget(this);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    m_advancedToggle = new QToolButton(box);
    m_advancedToggle->setObjectName(QStringLiteral("advancedToggle"));
    m_advancedToggle->setText(tr("Advanced (Stable Audio Open)"));
    m_advancedToggle->setCheckable(true);
    m_advancedToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_advancedToggle->setArrowType(Qt::RightArrow);
    m_advanced = new QGroupBox(box);
    m_advanced->setObjectName(QStringLiteral("advancedBox"));
    m_advanced->setVisible(false);
    connect(m_advancedToggle, &QToolButton::toggled, this, [this](bool on) {
        m_advancedToggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
        m_advanced->setVisible(on);
    });
    auto* form = new QFormLayout(m_advanced);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_precision = new QComboBox(m_advanced);
    m_precision->setObjectName(QStringLiteral("precisionCombo"));
    m_precision->addItem(tr("auto (by hardware)"), QStringLiteral("auto"));
    m_precision->addItem(QStringLiteral("fp32"), QStringLiteral("fp32"));
    m_precision->addItem(QStringLiteral("bf16"), QStringLiteral("bf16"));
    m_precision->addItem(QStringLiteral("fp16"), QStringLiteral("fp16"));
    m_precision->addItem(tr("bf16 weights, fp32 compute"), QStringLiteral("bf16-storage"));
    m_precision->setToolTip(
        tr("auto: on a CPU with bf16 matrix units (AMX-BF16, AVX512-BF16) the diffusion "
           "model's linear layers run in bf16, about twice as fast; elsewhere fp32. bf16 forces "
           "that path; fp16 and bf16-storage halve the weights' memory. On CUDA: the compute "
           "precision. The take records what ran and why."));
    // Narrower than its longest item ("bf16 weights, fp32 compute"): the panel must fit.
    m_precision->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_precision->setMinimumContentsLength(10);
    form->addRow(tr("Precision"), m_precision);
    m_lowMemory = new QCheckBox(tr("Low memory"), m_advanced);
    m_lowMemory->setObjectName(QStringLiteral("lowMemoryCheck"));
    m_lowMemory->setToolTip(tr("Keep only the stage that runs on the device (slower, less VRAM)"));
    m_fullWindow = new QCheckBox(tr("Full window"), m_advanced);
    m_fullWindow->setObjectName(QStringLiteral("fullWindowCheck"));
    m_fullWindow->setToolTip(
        tr("Sample the model's whole window, then trim to the duration (as the reference UI)"));
    // One above the other: side by side they are wider than the panel in German and French.
    auto* checks = new QVBoxLayout;
    checks->addWidget(m_lowMemory);
    checks->addWidget(m_fullWindow);
    form->addRow(QString(), checks);
    QLayout* t5Row = nullptr;
    m_t5Dir = folderRow(m_advanced, QStringLiteral("t5FolderEdit"), t5Row,
                        tr("Choose a t5-base folder (config.json, model.safetensors, "
                           "spiece.model)"));
    m_t5Dir->setPlaceholderText(tr("inside the model folder"));
    form->addRow(tr("T5"), t5Row);
    v->addWidget(m_advancedToggle, 0, Qt::AlignLeft);
    v->addWidget(m_advanced);
    return box;
}

QWidget* GenerationPanel::buildQueueBox() {
    auto* box = new QGroupBox(tr("Queue and recent runs"), this);
    box->setObjectName(QStringLiteral("queueBox"));
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(4, 4, 4, 4);
    v->setSpacing(3);
    m_queueList = new QListWidget(box);
    m_queueList->setObjectName(QStringLiteral("queueList"));
    m_queueList->setToolTip(tr("Prompts waiting their turn (Delete removes the selected one)"));
    m_queueList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_queueList->setMaximumHeight(82);
    m_queueList->setVisible(false);
    auto* del = new QAction(tr("Remove from queue"), m_queueList);
    del->setShortcut(QKeySequence::Delete);
    del->setShortcutContext(Qt::WidgetShortcut);
    connect(del, &QAction::triggered, this, &GenerationPanel::removeSelectedPending);
    m_queueList->addAction(del);
    m_queueList->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_removePending = new QToolButton(box);
    m_removePending->setObjectName(QStringLiteral("removePendingButton"));
    m_removePending->setText(tr("Remove from queue"));
    m_removePending->setVisible(false);
    connect(m_removePending, &QToolButton::clicked, this, &GenerationPanel::removeSelectedPending);
    m_log = new QListWidget(box);
    m_log->setObjectName(QStringLiteral("runLog"));
    m_log->setToolTip(tr("Finished, cancelled and failed runs, newest first"));
    m_log->setWordWrap(true);
    m_log->setTextElideMode(Qt::ElideRight);
    m_log->setMinimumHeight(40);
    auto* empty = new QListWidgetItem(tr("No runs yet"), m_log);
    empty->setFlags(Qt::NoItemFlags);
    empty->setData(Qt::UserRole, QStringLiteral("placeholder"));
    v->addWidget(m_queueList);
    v->addWidget(m_removePending, 0, Qt::AlignRight);
    v->addWidget(m_log, 1);
    return box;
}

void GenerationPanel::removeSelectedPending() {
    const auto items = m_queueList->selectedItems();
    for (QListWidgetItem* item : items)
        Q_EMIT removePendingRequested(item->data(Qt::UserRole).toInt());
}

void GenerationPanel::setPending(const QVector<QPair<int, QString>>& jobs) {
    m_queueList->clear();
    for (int i = 0; i < jobs.size(); ++i) {
        auto* item = new QListWidgetItem(QStringLiteral("%1. %2").arg(i + 1).arg(jobs[i].second),
                                         m_queueList);
        item->setData(Qt::UserRole, jobs[i].first);
        item->setToolTip(jobs[i].second);
    }
    m_queueList->setVisible(!jobs.isEmpty());
    m_removePending->setVisible(!jobs.isEmpty());
}

void GenerationPanel::addLogEntry(const QString& text, bool ok) {
    if (m_log->count() == 1 &&
        m_log->item(0)->data(Qt::UserRole).toString() == QLatin1String("placeholder"))
        delete m_log->takeItem(0);
    auto* item = new QListWidgetItem(
        QStringLiteral("%1  %2").arg(ok ? QStringLiteral("✓") : QStringLiteral("✗"), text));
    item->setToolTip(text);
    item->setForeground(ok ? QColor(150, 210, 170) : QColor(240, 120, 110));
    m_log->insertItem(0, item);
    while (m_log->count() > kMaxLogEntries)
        delete m_log->takeItem(m_log->count() - 1);
}

QStringList GenerationPanel::logEntries() const {
    QStringList out;
    for (int i = 0; i < m_log->count(); ++i)
        if (m_log->item(i)->data(Qt::UserRole).toString() != QLatin1String("placeholder"))
            out << m_log->item(i)->text();
    return out;
}

QString GenerationPanel::outputFolder() const {
    const QString out = m_outputDir->text().trimmed();
    return out.isEmpty() ? TakeStore::defaultOutputFolder() : out;
}

QString GenerationPanel::promptText() const {
    return m_prompt->currentText().trimmed();
}

void GenerationPanel::setPromptText(const QString& prompt) {
    m_prompt->setEditText(prompt);
}

GenerationJob GenerationPanel::makeJob() const {
    GenerationJob job;
    GenerationRequest& r = job.request;
    EngineOptions& e = r.engine;
    e.engine = m_engine->currentData().toString().toStdString();
    e.modelDir = m_modelDir->text().trimmed().toStdString();
    e.device = m_device->currentData().toString().toStdString();
    e.precision = m_precision->currentData().toString().toStdString();
    e.lowMemory = m_lowMemory->isChecked();
    e.fullWindow = m_fullWindow->isChecked();
    e.t5Dir = m_t5Dir->text().trimmed().toStdString();
    r.prompt = promptText().toStdString();
    r.negativePrompt = m_negative->text().trimmed().toStdString();
    r.durationSeconds = m_duration->value();
    r.steps = m_steps->value();
    r.cfgScale = m_cfg->value();
    const QString sampler =
        m_sampler->currentIndex() >= 0 &&
                m_sampler->currentText() == m_sampler->itemText(m_sampler->currentIndex())
            ? m_sampler->currentData().toString()
            : m_sampler->currentText().trimmed();
    r.sampler = sampler.toStdString();
    r.batchSize = m_takes->value();
    // The LoRA list stays filled when the procedural engine is chosen; it has no LoRAs.
    if (resolveEngineName(e) == "sao")
        r.loras = m_loras->loras();
    // Init audio is passed on with every engine: the procedural one refuses it in words.
    if (!m_initPath.isEmpty()) {
        r.initAudioPath = m_initPath.toStdString();
        r.initNoiseLevel = m_initNoise->value();
    }
    bool ok = false;
    const qint64 seed = m_seed->text().toLongLong(&ok);
    r.seed = (m_seedLock->isChecked() && ok) ? seed : -1;
    job.output.folder = outputFolder().toStdString();
    job.draft = m_draft->isChecked();
    return job;
}

void GenerationPanel::recall(const TakeRecord& take) {
    GenerationRequest r;
    try {
        r = recallRequest(take.metadata);
    } catch (const GenerationError& e) {
        showError(tr("Cannot recall this take: %1").arg(QString::fromStdString(e.what())));
        return;
    }
    const auto qs = [](const std::string& s) { return QString::fromStdString(s); };
    const auto select = [](QComboBox* combo, const QString& value) {
        if (const int i = combo->findData(value); i >= 0)
            combo->setCurrentIndex(i);
    };
    setPromptText(qs(r.prompt));
    m_negative->setText(qs(r.negativePrompt));
    m_duration->setValue(r.durationSeconds);
    // A draft take recalls as the settings it stands for, with Draft on: Generate drafts again.
    setDraftMode(r.draft.has_value());
    r = finalOf(r);
    m_steps->setValue(r.steps);
    m_cfg->setValue(r.cfgScale);
    const QString sampler = qs(r.sampler);
    const int si = m_sampler->findData(sampler);
    if (si >= 0)
        m_sampler->setCurrentIndex(si);
    else
        m_sampler->setEditText(sampler);
    const EngineOptions& e = r.engine;
    select(m_engine, qs(e.engine));
    if (!e.modelDir.empty())
        m_modelDir->setText(qs(e.modelDir));
    select(m_device, qs(e.device));
    select(m_precision, qs(e.precision));
    m_lowMemory->setChecked(e.lowMemory);
    m_fullWindow->setChecked(e.fullWindow);
    if (!e.t5Dir.empty())
        m_t5Dir->setText(qs(e.t5Dir));
    m_loras->setLoras(r.loras);
    setInitAudio(qs(r.initAudioPath));
    if (!r.initAudioPath.empty())
        setInitNoiseLevel(r.initNoiseLevel);
    m_seed->setText(QString::number(r.seed));
    setSeedLocked(true);
    if (m_builder->isVisible())
        m_builder->readPrompt(qs(r.prompt));
}

bool GenerationPanel::draftMode() const {
    return m_draft->isChecked();
}

void GenerationPanel::setDraftMode(bool draft) {
    m_draft->setChecked(draft);
}

void GenerationPanel::setSeedLocked(bool locked) {
    m_seedLock->setChecked(locked);
}

void GenerationPanel::showSeedUsed(qint64 seed) {
    // A locked seed stays as typed; an unlocked one shows what the last take really used.
    if (!m_seedLock->isChecked())
        m_seed->setText(QString::number(seed));
}

void GenerationPanel::rememberPrompt(const QString& prompt) {
    if (prompt.isEmpty())
        return;
    const QString text = promptText();
    const int existing = m_prompt->findText(prompt);
    if (existing >= 0)
        m_prompt->removeItem(existing);
    m_prompt->insertItem(0, prompt);
    while (m_prompt->count() > kHistorySize)
        m_prompt->removeItem(m_prompt->count() - 1);
    m_prompt->setEditText(text);
}

QStringList GenerationPanel::promptHistory() const {
    QStringList list;
    for (int i = 0; i < m_prompt->count(); ++i)
        list << m_prompt->itemText(i);
    return list;
}

void GenerationPanel::setBusy(bool busy, int pending) {
    m_cancel->setEnabled(busy || pending > 0);
    m_generate->setText(busy ? tr("Queue") : tr("Generate"));
    if (!busy && pending == 0) {
        m_progress->setValue(m_progress->value() > 0 ? m_progress->maximum() : 0);
        // A finished run keeps "Took …"; a cancelled or failed one has no time left to show.
        m_etaTimer->stop();
        if (m_timing && !m_timing->done()) {
            m_timing.reset();
            m_eta->clear();
            m_eta->setToolTip({});
        }
    }
    if (pending > 0)
        m_generate->setToolTip(pending == 1 ? tr("1 prompt waiting")
                                            : tr("%n prompts waiting", "", pending));
}

void GenerationPanel::showProgress(const GenerationProgress& progress) {
    m_progress->setValue(static_cast<int>(progress.fraction * m_progress->maximum()));
    m_status->setText(progress.text);
    m_status->setToolTip(progress.text);
    if (progress.timing) {
        m_timing = progress.timing;
        showTiming();
        if (m_timing->done())
            m_etaTimer->stop();
        else if (!m_etaTimer->isActive())
            m_etaTimer->start();
    }
}

void GenerationPanel::showTiming() {
    if (!m_timing)
        return;
    // The estimate as it stands now: the clocks run on, the ETA counts down.
    const ProgressEstimate now = m_timing->advancedTo(ProgressClock::now());
    m_eta->setText(describeTiming(now));
    m_eta->setToolTip(describeTimingDetails(now));
}

void GenerationPanel::showStatus(const QString& text) {
    m_status->setText(text);
    m_status->setToolTip(text);
}

void GenerationPanel::showError(const QString& message) {
    m_error->setText(message);
    m_error->setVisible(true);
}

void GenerationPanel::clearError() {
    m_error->clear();
    m_error->setVisible(false);
}

QString GenerationPanel::errorText() const {
    return m_error->isVisible() ? m_error->text() : QString();
}

QString GenerationPanel::statusText() const {
    return m_status->text();
}

QString GenerationPanel::etaText() const {
    return m_eta->text();
}

void GenerationPanel::loadSettings() {
    flushSettingsWrites(); // what this process saved last is read back
    QSettings s;
    s.beginGroup(QStringLiteral("generation"));
    const QStringList history = s.value(QStringLiteral("promptHistory")).toStringList();
    m_prompt->clear();
    m_prompt->addItems(history.mid(0, kHistorySize));
    setPromptText(s.value(QStringLiteral("prompt"), history.value(0)).toString());
    m_negative->setText(s.value(QStringLiteral("negativePrompt")).toString());
    m_duration->setValue(s.value(QStringLiteral("duration"), 4.0).toDouble());
    m_takes->setValue(s.value(QStringLiteral("takes"), 1).toInt());
    m_steps->setValue(s.value(QStringLiteral("steps"), 100).toInt());
    m_cfg->setValue(s.value(QStringLiteral("cfg"), 7.0).toDouble());
    const QString sampler = s.value(QStringLiteral("sampler")).toString();
    const int si = m_sampler->findData(sampler);
    if (si >= 0)
        m_sampler->setCurrentIndex(si);
    else
        m_sampler->setEditText(sampler);
    m_seed->setText(s.value(QStringLiteral("seed")).toString());
    setSeedLocked(s.value(QStringLiteral("seedLocked"), false).toBool());
    setDraftMode(s.value(QStringLiteral("draft"), false).toBool());
    m_engine->setCurrentIndex(
        std::max(0, m_engine->findData(s.value(QStringLiteral("engine"), QStringLiteral("auto")))));
    m_device->setCurrentIndex(
        std::max(0, m_device->findData(s.value(QStringLiteral("device"), QStringLiteral("auto")))));
    m_modelDir->setText(s.value(QStringLiteral("modelDir")).toString());
    m_precision->setCurrentIndex(std::max(
        0, m_precision->findData(s.value(QStringLiteral("precision"), QStringLiteral("auto")))));
    m_lowMemory->setChecked(s.value(QStringLiteral("lowMemory"), false).toBool());
    m_fullWindow->setChecked(s.value(QStringLiteral("fullWindow"), false).toBool());
    m_t5Dir->setText(s.value(QStringLiteral("t5Dir")).toString());
    setInitNoiseLevel(
        s.value(QStringLiteral("initNoiseLevel"), GenerationRequest().initNoiseLevel).toDouble());
    m_outputDir->setText(
        s.value(QStringLiteral("outputDir"), TakeStore::defaultOutputFolder()).toString());
    std::vector<LoraSelection> loras;
    const int n = s.beginReadArray(QStringLiteral("loras"));
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        LoraSelection l;
        l.path = s.value(QStringLiteral("path")).toString().toStdString();
        l.strength = s.value(QStringLiteral("strength"), 1.0).toDouble();
        l.configPath = s.value(QStringLiteral("config")).toString().toStdString();
        l.lorawGradioCompatible = s.value(QStringLiteral("gradioCompatible"), false).toBool();
        l.doraIgnoreMagnitude = s.value(QStringLiteral("doraIgnoreMagnitude"), false).toBool();
        loras.push_back(l);
    }
    s.endArray();
    m_loras->setLoras(loras);
    s.endGroup();
}

void GenerationPanel::saveSettings() const {
    DeferredSettings s; // written off the GUI thread
    s.beginGroup(QStringLiteral("generation"));
    s.setValue(QStringLiteral("promptHistory"), promptHistory());
    s.setValue(QStringLiteral("prompt"), promptText());
    s.setValue(QStringLiteral("negativePrompt"), m_negative->text());
    s.setValue(QStringLiteral("duration"), m_duration->value());
    s.setValue(QStringLiteral("takes"), m_takes->value());
    s.setValue(QStringLiteral("steps"), m_steps->value());
    s.setValue(QStringLiteral("cfg"), m_cfg->value());
    s.setValue(QStringLiteral("sampler"), QString::fromStdString(makeJob().request.sampler));
    s.setValue(QStringLiteral("seed"), m_seed->text());
    s.setValue(QStringLiteral("seedLocked"), m_seedLock->isChecked());
    s.setValue(QStringLiteral("draft"), m_draft->isChecked());
    s.setValue(QStringLiteral("engine"), m_engine->currentData());
    s.setValue(QStringLiteral("device"), m_device->currentData());
    s.setValue(QStringLiteral("modelDir"), m_modelDir->text());
    s.setValue(QStringLiteral("precision"), m_precision->currentData());
    s.setValue(QStringLiteral("lowMemory"), m_lowMemory->isChecked());
    s.setValue(QStringLiteral("fullWindow"), m_fullWindow->isChecked());
    s.setValue(QStringLiteral("t5Dir"), m_t5Dir->text());
    s.setValue(QStringLiteral("initNoiseLevel"), m_initNoise->value());
    s.setValue(QStringLiteral("outputDir"), m_outputDir->text());
    const auto loras = m_loras->loras();
    s.beginWriteArray(QStringLiteral("loras"), static_cast<int>(loras.size()));
    for (int i = 0; i < static_cast<int>(loras.size()); ++i) {
        s.setArrayIndex(i);
        s.setValue(QStringLiteral("path"), QString::fromStdString(loras[i].path));
        s.setValue(QStringLiteral("strength"), loras[i].strength);
        s.setValue(QStringLiteral("config"), QString::fromStdString(loras[i].configPath));
        s.setValue(QStringLiteral("gradioCompatible"), loras[i].lorawGradioCompatible);
        s.setValue(QStringLiteral("doraIgnoreMagnitude"), loras[i].doraIgnoreMagnitude);
    }
    s.endArray();
    s.endGroup();
}

} // namespace footfall::ui
