// The main window: generation panel | take list + waveform + transport | meters + metadata.
// One class whose member functions live in one file per job: main_window.cpp (construction,
// menus and shortcuts, settings), main_window_layout.cpp (widgets), main_window_takes.cpp
// (the take list and the selected take), main_window_generation.cpp (jobs and the queue),
// main_window_transport.cpp (playback, audition gain), main_window_meters.cpp (stereo-image
// meters), main_window_ab.cpp (A/B comparison), main_window_export.cpp (export and drag).
#pragma once

#include "generate/generation_queue.h"
#include "player/loudness_match.h"
#include "takes/library_import.h"
#include "takes/take_store.h"
#include "takes/take_view_data.h"

#include <QHash>
#include <QMainWindow>
#include <QThread>

#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QMenu;
class QMimeData;
class QSplitter;
class QTableView;
class QTimer;
class QToolButton;

namespace footfall::ui {

class CorrelationMeterWidget;
class ExportDialog;
class GenerationPanel;
class GoniometerWidget;
class MetadataPanel;
class TakeLoader;
class Player;
class TakeListModel;
class WaveformView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `store` decides where the take list is persisted (tests pass a temporary one).
    explicit MainWindow(TakeStore store = TakeStore(), QWidget* parent = nullptr);
    ~MainWindow() override;

    GenerationPanel* generationPanel() const { return m_panel; }
    TakeListModel* takeModel() const { return m_model; }
    QTableView* takeView() const { return m_table; }
    Player* player() const { return m_player; }
    WaveformView* waveform() const { return m_waveform; }
    CorrelationMeterWidget* correlationMeter() const { return m_corr; }
    GoniometerWidget* goniometer() const { return m_gonio; }
    MetadataPanel* metadataPanel() const { return m_meta; }
    GenerationQueue* queue() const { return m_queue; }
    QString abText() const;
    QString gainText() const;

    int currentRow() const;
    void selectRow(int row);
    // The mime data a drag from the waveform carries (writes the selection file first).
    QMimeData* waveformDragMime();
    // Adds an existing file with its metadata to the list (e.g. a take made elsewhere).
    // `analysis` (made off the GUI thread) is cached; without it the take loads on demand.
    void addTake(const TakeRecord& take, SharedTakeView analysis = nullptr);
    // The decoded take: from the cache, else read now (for export and drag, user actions).
    std::shared_ptr<const AudioBuffer> audioFor(const TakeRecord& take);
    // The analysis the views show for the current take (null while it is loading).
    const SharedTakeView& currentView() const { return m_current; }
    TakeLoader* loader() const { return m_loader; }
    void setSpectrogramShown(bool shown);
    // Fills an export dialog for the take in `row`: default folder (the output folder's
    // exports/), remembered options, the waveform selection.
    void prepareExportDialog(ExportDialog& dialog, int row);
    void setLoudnessMatch(LoudnessMatch mode);
    void setAutoPlay(bool on);
    // Init audio for the next generation when `path` is a WAV or FLAC file; else the panel's
    // error banner says why and false is returned.
    bool useAsInitAudio(const QString& path);
    // Adds the takes of a library folder to the list: scanned off the GUI thread, added in
    // slices; libraryImported reports the outcome.
    void importLibraryFolder(const QString& folder);
    bool isImportingLibrary() const;

Q_SIGNALS:
    void libraryImported(int added, int duplicates, const QStringList& problems);
    void retrySaveFinished(int stillUnsaved);

public Q_SLOTS:
    void generate();
    void cancelGeneration();
    void togglePlay();
    void setSlotA();
    void setSlotB();
    void toggleAB();
    void recallCurrent();
    void varyCurrent();
    // The current take's audio as init audio, with its settings (SAO takes) or its prompt.
    void varyFromCurrent();
    void openLibraryFolder();
    // Queues the full-quality render of the current take when it is a draft (finalOfTake).
    void renderFinalCurrent();
    void exportCurrent();
    void removeCurrent();
    // Writes every take whose save failed (a full disk, a read-only folder) from memory: its
    // audio file and sidecar, on a worker thread (megabytes each, fsynced); when it is done the
    // ones saved become normal takes and retrySaveFinished says how many are still unsaved.
    // False when no take is unsaved or a retry is already running.
    bool retrySave();
    bool isRetryingSave() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    // A WAV or FLAC dropped anywhere on the window becomes init audio.
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    // main_window.cpp
    void buildActions();
    void persist();
    void saveWindowSettings() const;
    void loadWindowSettings();
    // main_window_layout.cpp
    QWidget* buildCentre();
    QWidget* buildTransport();
    QWidget* buildRight();
    void fitColumns();
    // main_window_takes.cpp
    void onCurrentChanged(int row);
    void onTakeLoaded(const QString& path, SharedTakeView analysis, const QString& error);
    void showTake(const TakeRecord& take, SharedTakeView analysis);
    void buildLibraryActions(QMenu* file); // File ▸ Open library folder…
    void onLibraryScanned(std::shared_ptr<LibraryImport> result);
    // At start: removes what a save interrupted by a crash left in the output folder (the
    // ".<name>.<pid>.part" files of processes that are gone) and adds back takes saved after
    // the list was last written (`listWritten`; invalid: no list yet) but missing from it.
    void recoverAfterCrash(const QDateTime& listWritten);
    void addImportedSlice();
    // main_window_generation.cpp
    void onTakeSaved(int jobId, const TakeRecord& take, SharedTakeView analysis);
    void updateQueueView();
    void onJobFinished(int jobId, bool cancelled, const QString& error);
    void submit(const GenerationJob& job);
    void updateTakeActions(); // enables what applies to the current take
    // main_window_transport.cpp
    void onPlayingChanged(bool playing);
    void updateGain();
    // main_window_meters.cpp
    void startLiveMeters();
    void stopLiveMeters();
    void feedMeters();
    void showStaticMeters();
    // main_window_ab.cpp
    void updateAbLabel();
    // main_window_export.cpp
    void dragOutSelection();

    TakeStore m_store;
    // Retry save: the worker, and what it hands back (the take's path when it failed, and the
    // take after the attempt), applied on the GUI thread by applyRetryResults.
    QThread* m_retryThread = nullptr;
    std::mutex m_retryMutex;
    std::vector<std::pair<QString, std::shared_ptr<footfall::Take>>> m_retryResults;
    void applyRetryResults();
    TakeCache m_cache;
    TakeLoader* m_loader = nullptr;
    LibraryImporter* m_importer = nullptr;
    std::optional<LibraryImport> m_import; // scanned, being added slice by slice
    SharedTakeView m_current;
    QHash<int, QString> m_jobPrompts;
    GenerationQueue* m_queue = nullptr;
    GenerationPanel* m_panel = nullptr;
    TakeListModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    WaveformView* m_waveform = nullptr;
    Player* m_player = nullptr;
    CorrelationMeterWidget* m_corr = nullptr;
    GoniometerWidget* m_gonio = nullptr;
    MetadataPanel* m_meta = nullptr;
    QSplitter* m_mainSplit = nullptr;
    QSplitter* m_centreSplit = nullptr;
    QToolButton* m_playButton = nullptr;
    QToolButton* m_loopButton = nullptr;
    QToolButton* m_spectrumButton = nullptr;
    QComboBox* m_freqAxis = nullptr;
    QCheckBox* m_autoPlay = nullptr;
    QComboBox* m_match = nullptr;
    QLabel* m_gainLabel = nullptr;
    QLabel* m_abLabel = nullptr;
    QTimer* m_meterTimer = nullptr;
    QAction* m_renderFinal = nullptr;
    QAction* m_retrySave = nullptr;
    std::size_t m_lastFed = 0;
    QString m_slotA, m_slotB;
    bool m_abSwitching = false;
    bool m_suppressAutoPlay = false;
    int m_takesThisJob = 0;
    int m_unsavedThisJob = 0;
};

} // namespace footfall::ui
