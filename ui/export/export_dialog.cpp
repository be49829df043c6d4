#include "export/export_dialog.h"

#include "app/deferred_settings.h"

#include "takes/take_store.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QToolButton>
#include <QVBoxLayout>

namespace footfall::ui {

namespace {
QDoubleSpinBox* spin(QWidget* parent, const QString& name, double lo, double hi, double value,
                     const QString& suffix, int decimals = 1) {
    auto* s = new QDoubleSpinBox(parent);
    s->setObjectName(name);
    s->setRange(lo, hi);
    s->setDecimals(decimals);
    s->setValue(value);
    s->setSuffix(suffix);
    return s;
}
} // namespace

ExportDialog::ExportDialog(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export take"));
    auto* layout = new QVBoxLayout(this);
    m_what = new QLabel(this);
    m_what->setObjectName(QStringLiteral("exportWhat"));
    m_what->setWordWrap(true);
    layout->addWidget(m_what);

    auto* fileBox = new QGroupBox(tr("File"), this);
    auto* form = new QFormLayout(fileBox);
    m_folder = new QLineEdit(fileBox);
    m_folder->setObjectName(QStringLiteral("exportFolder"));
    auto* browse = new QToolButton(fileBox);
    browse->setText(QStringLiteral("…"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString d =
            QFileDialog::getExistingDirectory(this, tr("Export folder"), m_folder->text());
        if (!d.isEmpty())
            m_folder->setText(d);
    });
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    form->addRow(tr("Folder"), folderRow);
    m_timestamp = new QRadioButton(tr("Date, time and prompt"), fileBox);
    m_timestamp->setObjectName(QStringLiteral("namingTimestamp"));
    m_ucs = new QRadioButton(tr("UCS template"), fileBox);
    m_ucs->setObjectName(QStringLiteral("namingUcs"));
    m_timestamp->setChecked(true);
    auto* naming = new QHBoxLayout;
    naming->addWidget(m_timestamp);
    naming->addWidget(m_ucs);
    naming->addStretch();
    form->addRow(tr("Naming"), naming);
    m_template = new QLineEdit(QStringLiteral("FEETHmn_<FXName>_<Creator>_<Source>"), fileBox);
    m_template->setObjectName(QStringLiteral("ucsTemplate"));
    form->addRow(tr("&Template"), m_template);
    m_creator = new QLineEdit(fileBox);
    m_creator->setPlaceholderText(tr("your initials"));
    m_source = new QLineEdit(fileBox);
    m_source->setPlaceholderText(tr("project / library"));
    auto* cs = new QHBoxLayout;
    cs->addWidget(m_creator);
    cs->addWidget(m_source);
    form->addRow(tr("Creator / source"), cs);
    m_format = new QComboBox(fileBox);
    m_format->setObjectName(QStringLiteral("exportFormat"));
    for (AudioFormat f :
         {AudioFormat::Wav32Float, AudioFormat::Wav24, AudioFormat::Wav16, AudioFormat::Flac})
        m_format->addItem(QString::fromStdString(audioFormatDescription(f)), static_cast<int>(f));
    form->addRow(tr("F&ormat"), m_format);
    layout->addWidget(fileBox);

    auto* procBox =
        new QGroupBox(tr("Processing (the take in the library is never changed)"), this);
    auto* pf = new QFormLayout(procBox);
    m_normalise = new QComboBox(procBox);
    m_normalise->setObjectName(QStringLiteral("exportNormalise"));
    m_normalise->addItems({tr("None"), tr("Peak (dBFS)"), tr("Loudness (LUFS)")});
    m_peakTarget = spin(procBox, QStringLiteral("peakTarget"), -60, 0, -1.0, tr(" dBFS"));
    m_lufsTarget = spin(procBox, QStringLiteral("lufsTarget"), -60, -5, -23.0, tr(" LUFS"));
    auto* nrow = new QHBoxLayout;
    nrow->addWidget(m_normalise, 1);
    nrow->addWidget(m_peakTarget);
    nrow->addWidget(m_lufsTarget);
    pf->addRow(tr("Normalise"), nrow);
    m_trim = new QCheckBox(tr("Trim silence below"), procBox);
    m_trim->setObjectName(QStringLiteral("exportTrim"));
    m_trimThreshold =
        spin(procBox, QStringLiteral("trimThreshold"), -90, -6, -40.0, tr(" dB re peak"));
    auto* trow = new QHBoxLayout;
    trow->addWidget(m_trim);
    trow->addWidget(m_trimThreshold, 1);
    pf->addRow(tr("Trim"), trow);
    m_fadeIn = spin(procBox, QStringLiteral("fadeIn"), 0, 5000, 0, tr(" ms"), 0);
    m_fadeOut = spin(procBox, QStringLiteral("fadeOut"), 0, 5000, 0, tr(" ms"), 0);
    auto* frow = new QHBoxLayout;
    frow->addWidget(new QLabel(tr("in"), procBox));
    frow->addWidget(m_fadeIn, 1);
    frow->addWidget(new QLabel(tr("out"), procBox));
    frow->addWidget(m_fadeOut, 1);
    pf->addRow(tr("Fades"), frow);
    m_selectionOnly = new QCheckBox(tr("Export the selection only"), procBox);
    m_selectionOnly->setObjectName(QStringLiteral("exportSelectionOnly"));
    pf->addRow(QString(), m_selectionOnly);
    m_slice = new QCheckBox(tr("Slice the walk into single steps (numbered files)"), procBox);
    m_slice->setObjectName(QStringLiteral("exportSlice"));
    pf->addRow(QString(), m_slice);
    layout->addWidget(procBox);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    // Our own text: Qt's translations (qtbase_de.qm) are not installed everywhere.
    buttons->button(QDialogButtonBox::Cancel)->setText(tr("Cancel"));
    auto* ok = buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    ok->setObjectName(QStringLiteral("exportButton"));
    ok->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_normalise, &QComboBox::currentIndexChanged, this, &ExportDialog::updateEnabled);
    connect(m_ucs, &QRadioButton::toggled, this, &ExportDialog::updateEnabled);
    connect(m_trim, &QCheckBox::toggled, this, &ExportDialog::updateEnabled);
    setDefaultFolder(QDir(TakeStore::defaultOutputFolder()).filePath(QStringLiteral("exports")));
    updateEnabled();
}

void ExportDialog::setDefaultFolder(const QString& folder) {
    m_defaultFolder = QDir::cleanPath(folder);
    m_folder->setText(m_defaultFolder);
}

void ExportDialog::updateEnabled() {
    m_peakTarget->setVisible(m_normalise->currentIndex() == 1);
    m_lufsTarget->setVisible(m_normalise->currentIndex() == 2);
    m_template->setEnabled(m_ucs->isChecked());
    m_creator->setEnabled(m_ucs->isChecked());
    m_source->setEnabled(m_ucs->isChecked());
    m_trimThreshold->setEnabled(m_trim->isChecked());
    m_selectionOnly->setEnabled(m_selection.has_value());
    if (!m_selection)
        m_selectionOnly->setChecked(false);
}

void ExportDialog::setContext(const QString& takeName,
                              std::optional<std::pair<std::size_t, std::size_t>> selection,
                              int sampleRate) {
    m_selection = selection;
    QString text = tr("Take: %1").arg(takeName);
    if (selection && sampleRate > 0)
        text += tr("\nSelection: %1 – %2 s")
                    .arg(selection->first / double(sampleRate), 0, 'f', 3)
                    .arg((selection->first + selection->second) / double(sampleRate), 0, 'f', 3);
    m_what->setText(text);
    m_selectionOnly->setChecked(selection.has_value());
    updateEnabled();
}

ExportOptions ExportDialog::options() const {
    ExportOptions o;
    o.folder = m_folder->text().trimmed();
    o.ucsNaming = m_ucs->isChecked();
    o.ucsTemplate = m_template->text().trimmed();
    o.creator = m_creator->text().trimmed();
    o.source = m_source->text().trimmed();
    o.format = static_cast<AudioFormat>(m_format->currentData().toInt());
    o.normalise = static_cast<ExportOptions::Normalise>(m_normalise->currentIndex());
    o.peakTargetDbfs = m_peakTarget->value();
    o.loudnessTargetLufs = m_lufsTarget->value();
    o.trim = m_trim->isChecked();
    o.trimThresholdDb = m_trimThreshold->value();
    o.fadeInMs = m_fadeIn->value();
    o.fadeOutMs = m_fadeOut->value();
    if (m_selectionOnly->isChecked() && m_selection)
        o.selection = m_selection;
    o.sliceSteps = m_slice->isChecked();
    return o;
}

void ExportDialog::setOptions(const ExportOptions& o) {
    m_folder->setText(o.folder);
    m_ucs->setChecked(o.ucsNaming);
    m_timestamp->setChecked(!o.ucsNaming);
    m_template->setText(o.ucsTemplate);
    m_creator->setText(o.creator);
    m_source->setText(o.source);
    m_format->setCurrentIndex(std::max(0, m_format->findData(static_cast<int>(o.format))));
    m_normalise->setCurrentIndex(static_cast<int>(o.normalise));
    m_peakTarget->setValue(o.peakTargetDbfs);
    m_lufsTarget->setValue(o.loudnessTargetLufs);
    m_trim->setChecked(o.trim);
    m_trimThreshold->setValue(o.trimThresholdDb);
    m_fadeIn->setValue(o.fadeInMs);
    m_fadeOut->setValue(o.fadeOutMs);
    m_slice->setChecked(o.sliceSteps);
    updateEnabled();
}

void ExportDialog::loadSettings() {
    flushSettingsWrites();
    QSettings s;
    s.beginGroup(QStringLiteral("export"));
    ExportOptions o = options();
    o.folder = s.value(QStringLiteral("folder"), m_defaultFolder).toString();
    if (o.folder.trimmed().isEmpty())
        o.folder = m_defaultFolder;
    o.ucsNaming = s.value(QStringLiteral("ucs"), false).toBool();
    o.ucsTemplate = s.value(QStringLiteral("template"), o.ucsTemplate).toString();
    o.creator = s.value(QStringLiteral("creator")).toString();
    o.source = s.value(QStringLiteral("source")).toString();
    o.format = static_cast<AudioFormat>(
        s.value(QStringLiteral("format"), int(AudioFormat::Wav24)).toInt());
    o.normalise =
        static_cast<ExportOptions::Normalise>(s.value(QStringLiteral("normalise"), 0).toInt());
    o.peakTargetDbfs = s.value(QStringLiteral("peak"), -1.0).toDouble();
    o.loudnessTargetLufs = s.value(QStringLiteral("lufs"), -23.0).toDouble();
    o.trim = s.value(QStringLiteral("trim"), false).toBool();
    o.trimThresholdDb = s.value(QStringLiteral("trimThreshold"), -40.0).toDouble();
    o.fadeInMs = s.value(QStringLiteral("fadeIn"), 0.0).toDouble();
    o.fadeOutMs = s.value(QStringLiteral("fadeOut"), 0.0).toDouble();
    o.sliceSteps = false; // a one-off choice, not a habit
    s.endGroup();
    setOptions(o);
}

void ExportDialog::saveSettings() const {
    const ExportOptions o = options();
    DeferredSettings s; // written off the GUI thread
    s.beginGroup(QStringLiteral("export"));
    if (QDir::cleanPath(o.folder) == m_defaultFolder)
        s.remove(QStringLiteral("folder"));
    else
        s.setValue(QStringLiteral("folder"), o.folder);
    s.setValue(QStringLiteral("ucs"), o.ucsNaming);
    s.setValue(QStringLiteral("template"), o.ucsTemplate);
    s.setValue(QStringLiteral("creator"), o.creator);
    s.setValue(QStringLiteral("source"), o.source);
    s.setValue(QStringLiteral("format"), static_cast<int>(o.format));
    s.setValue(QStringLiteral("normalise"), static_cast<int>(o.normalise));
    s.setValue(QStringLiteral("peak"), o.peakTargetDbfs);
    s.setValue(QStringLiteral("lufs"), o.loudnessTargetLufs);
    s.setValue(QStringLiteral("trim"), o.trim);
    s.setValue(QStringLiteral("trimThreshold"), o.trimThresholdDb);
    s.setValue(QStringLiteral("fadeIn"), o.fadeInMs);
    s.setValue(QStringLiteral("fadeOut"), o.fadeOutMs);
    s.endGroup();
}

} // namespace footfall::ui
