<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>GenerationWorker</name>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Take %1/%2 · %3</source>
        <translation>Take %1/%2 · %3</translation>
    </message>
    <message>
        <source>Took %1</source>
        <translation>Dauer: %1</translation>
    </message>
    <message>
        <source>%1 elapsed · %2 left</source>
        <translation>%1 vergangen · noch %2</translation>
    </message>
    <message>
        <source>%1 elapsed</source>
        <translation>%1 vergangen</translation>
    </message>
    <message>
        <source>Take %1/%2: %3 elapsed</source>
        <translation>Take %1/%2: %3 vergangen</translation>
    </message>
    <message>
        <source>This take: %1 left</source>
        <translation>Dieser Take: noch %1</translation>
    </message>
    <message>
        <source>No ETA until a sampler step has been measured</source>
        <translation>Restzeit erst, wenn ein Sampler-Schritt gemessen ist</translation>
    </message>
    <message>
        <source>No ETA for decoding and saving until a take has been through them</source>
        <translation>Restzeit für Dekodieren und Speichern erst, wenn ein Take sie durchlaufen hat</translation>
    </message>
    <message>
        <source>Sampler: %1</source>
        <translation>Sampler: %1</translation>
    </message>
    <message>
        <source>Takes %1–%2/%3 · %4</source>
        <translation>Takes %1–%2/%3 · %4</translation>
    </message>
</context>
<context>
    <name>TakeStore</name>
    <message>
        <source>The take list could not be read; it was kept as %1 and a new list is started.</source>
        <translation>Die Take-Liste konnte nicht gelesen werden; sie wurde als %1 aufbewahrt, und eine neue Liste beginnt.</translation>
    </message>
    <message>
        <source>The take list %1 could not be read.</source>
        <translation>Die Take-Liste %1 konnte nicht gelesen werden.</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) left the list: their files are gone.</source>
        <translation>
            <numerusform>%n Take wurde aus der Liste entfernt: seine Datei ist nicht mehr vorhanden.</numerusform>
            <numerusform>%n Takes wurden aus der Liste entfernt: ihre Dateien sind nicht mehr vorhanden.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>footfall::ui::CorrelationMeterWidget</name>
    <message>
        <source>Correlation (live)</source>
        <translation>Korrelation (live)</translation>
    </message>
    <message>
        <source>Correlation (take)</source>
        <translation>Korrelation (Take)</translation>
    </message>
</context>
<context>
    <name>footfall::ui::ExportDialog</name>
    <message>
        <source>Export take</source>
        <translation>Take exportieren</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Export folder</source>
        <translation>Exportordner</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Date, time and prompt</source>
        <translation>Datum, Uhrzeit und Prompt</translation>
    </message>
    <message>
        <source>UCS template</source>
        <translation>UCS-Vorlage</translation>
    </message>
    <message>
        <source>Naming</source>
        <translation>Benennung</translation>
    </message>
    <message>
        <source>&amp;Template</source>
        <translation>&amp;Vorlage</translation>
    </message>
    <message>
        <source>your initials</source>
        <translation>Ihre Initialen</translation>
    </message>
    <message>
        <source>project / library</source>
        <translation>Projekt / Bibliothek</translation>
    </message>
    <message>
        <source>Creator / source</source>
        <translation>Urheber / Quelle</translation>
    </message>
    <message>
        <source>F&amp;ormat</source>
        <translation>F&amp;ormat</translation>
    </message>
    <message>
        <source>Processing (the take in the library is never changed)</source>
        <translation>Bearbeitung (der Take in der Bibliothek bleibt unverändert)</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>Peak (dBFS)</source>
        <translation>Spitzenpegel (dBFS)</translation>
    </message>
    <message>
        <source>Loudness (LUFS)</source>
        <translation>Lautheit (LUFS)</translation>
    </message>
    <message>
        <source> dBFS</source>
        <translation> dBFS</translation>
    </message>
    <message>
        <source> LUFS</source>
        <translation> LUFS</translation>
    </message>
    <message>
        <source>Normalise</source>
        <translation>Normalisieren</translation>
    </message>
    <message>
        <source>Trim silence below</source>
        <translation>Stille kürzen unter</translation>
    </message>
    <message>
        <source> dB re peak</source>
        <translation> dB unter Spitze</translation>
    </message>
    <message>
        <source>Trim</source>
        <translation>Kürzen</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>in</source>
        <translation>ein</translation>
    </message>
    <message>
        <source>out</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>Fades</source>
        <translation>Blenden</translation>
    </message>
    <message>
        <source>Export the selection only</source>
        <translation>Nur die Auswahl exportieren</translation>
    </message>
    <message>
        <source>Slice the walk into single steps (numbered files)</source>
        <translation>In einzelne Schritte zerlegen (nummerierte Dateien)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Take: %1</source>
        <translation>Take: %1</translation>
    </message>
    <message>
        <source>
Selection: %1 – %2 s</source>
        <translation>
Auswahl: %1 – %2 s</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>footfall::ui::GenerationPanel</name>
    <message>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>Generate (Ctrl+Enter). While a run is going, this queues the prompt.</source>
        <translation>Erzeugen (Strg+Eingabe). Während ein Lauf läuft, wird der Prompt eingereiht.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop the run within one step and drop the queue (Ctrl+.)</source>
        <translation>Lauf innerhalb eines Schritts stoppen und Warteschlange leeren (Strg+.)</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Entwurf</translation>
    </message>
    <message>
        <source>Draft: generate quickly with %1 steps and a fast sampler, the same seed and every other setting. Take ▸ Render final renders a chosen draft at full quality.</source>
        <translation>Entwurf: schnell erzeugen, mit %1 Schritten und einem schnellen Sampler, demselben Seed und allen anderen Einstellungen. Take ▸ Final rendern rendert einen gewählten Entwurf in voller Qualität.</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>e.g. heavy boots walking on wet gravel</source>
        <translation>z. B. schwere Stiefel auf nassem Kies</translation>
    </message>
    <message>
        <source>The prompt; the list holds your recent prompts</source>
        <translation>Der Prompt; die Liste enthält die letzten Prompts</translation>
    </message>
    <message>
        <source>Negative prompt (what to avoid)</source>
        <translation>Negativ-Prompt (was vermieden werden soll)</translation>
    </message>
    <message>
        <source>Prompt builder</source>
        <translation>Prompt-Baukasten</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Takes</source>
        <translation>Takes</translation>
    </message>
    <message>
        <source>&amp;Duration</source>
        <translation>&amp;Dauer</translation>
    </message>
    <message>
        <source>CFG</source>
        <translation>CFG</translation>
    </message>
    <message>
        <source>&amp;Steps</source>
        <translation>&amp;Schritte</translation>
    </message>
    <message>
        <source>engine default</source>
        <translation>Engine-Standard</translation>
    </message>
    <message>
        <source>Sa&amp;mpler</source>
        <translation>Sa&amp;mpler</translation>
    </message>
    <message>
        <source>random</source>
        <translation>zufällig</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Fest</translation>
    </message>
    <message>
        <source>Locked: every run uses this seed. Unlocked: a new random seed per run; the field shows the seed last used.</source>
        <translation>Fest: jeder Lauf nutzt diesen Seed. Frei: pro Lauf ein neuer Zufalls-Seed; das Feld zeigt den zuletzt verwendeten.</translation>
    </message>
    <message>
        <source>New random seed (locks it)</source>
        <translation>Neuer Zufalls-Seed (wird festgesetzt)</translation>
    </message>
    <message>
        <source>S&amp;eed</source>
        <translation>S&amp;eed</translation>
    </message>
    <message>
        <source>Engine and output</source>
        <translation>Engine und Ausgabe</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>auto</translation>
    </message>
    <message>
        <source>auto: Stable Audio Open when a model folder is set, else procedural</source>
        <translation>auto: Stable Audio Open, wenn ein Modellordner gesetzt ist, sonst prozedural</translation>
    </message>
    <message>
        <source>procedural</source>
        <translation>prozedural</translation>
    </message>
    <message>
        <source>Stable Audio Open</source>
        <translation>Stable Audio Open</translation>
    </message>
    <message>
        <source>Device for the model (auto, cpu or cuda)</source>
        <translation>Gerät für das Modell (auto, cpu oder cuda)</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>Engine</translation>
    </message>
    <message>
        <source>Choose a stable-audio-open model folder</source>
        <translation>Stable-Audio-Open-Modellordner wählen</translation>
    </message>
    <message>
        <source>none: procedural engine</source>
        <translation>keiner: prozedurale Engine</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>LoRAs</source>
        <translation>LoRAs</translation>
    </message>
    <message>
        <source>Choose the folder for new takes</source>
        <translation>Ordner für neue Takes wählen</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <source>Advanced (Stable Audio Open)</source>
        <translation>Erweitert (Stable Audio Open)</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>Low memory</source>
        <translation>Wenig Speicher</translation>
    </message>
    <message>
        <source>Keep only the stage that runs on the device (slower, less VRAM)</source>
        <translation>Nur die gerade laufende Stufe auf dem Gerät halten (langsamer, weniger VRAM)</translation>
    </message>
    <message>
        <source>Full window</source>
        <translation>Ganzes Fenster</translation>
    </message>
    <message>
        <source>Sample the model&apos;s whole window, then trim to the duration (as the reference UI)</source>
        <translation>Das ganze Fenster des Modells erzeugen und dann auf die Dauer kürzen (wie die Referenz-Oberfläche)</translation>
    </message>
    <message>
        <source>Choose a t5-base folder (config.json, model.safetensors, spiece.model)</source>
        <translation>t5-base-Ordner wählen (config.json, model.safetensors, spiece.model)</translation>
    </message>
    <message>
        <source>inside the model folder</source>
        <translation>im Modellordner</translation>
    </message>
    <message>
        <source>T5</source>
        <translation>T5</translation>
    </message>
    <message>
        <source>Queue and recent runs</source>
        <translation>Warteschlange und letzte Läufe</translation>
    </message>
    <message>
        <source>Prompts waiting their turn (Delete removes the selected one)</source>
        <translation>Wartende Prompts (Entf entfernt den ausgewählten)</translation>
    </message>
    <message>
        <source>Remove from queue</source>
        <translation>Aus Warteschlange entfernen</translation>
    </message>
    <message>
        <source>Finished, cancelled and failed runs, newest first</source>
        <translation>Fertige, abgebrochene und fehlgeschlagene Läufe, neueste zuerst</translation>
    </message>
    <message>
        <source>No runs yet</source>
        <translation>Noch keine Läufe</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Einreihen</translation>
    </message>
    <message>
        <source>1 prompt waiting</source>
        <translation>1 Prompt wartet</translation>
    </message>
    <message numerus="yes">
        <source>%n prompts waiting</source>
        <translation>
            <numerusform>%n Prompt wartet</numerusform>
            <numerusform>%n Prompts warten</numerusform>
        </translation>
    </message>
    <message>
        <source>auto (by hardware)</source>
        <translation>auto (nach Hardware)</translation>
    </message>
    <message>
        <source>bf16 weights, fp32 compute</source>
        <translation>bf16-Gewichte, fp32-Rechnung</translation>
    </message>
    <message>
        <source>auto: on a CPU with bf16 matrix units (AMX-BF16, AVX512-BF16) the diffusion model&apos;s linear layers run in bf16, about twice as fast; elsewhere fp32. bf16 forces that path; fp16 and bf16-storage halve the weights&apos; memory. On CUDA: the compute precision. The take records what ran and why.</source>
        <translation>auto: auf einer CPU mit bf16-Matrixeinheiten (AMX-BF16, AVX512-BF16) laufen die linearen Schichten des Diffusionsmodells in bf16, etwa doppelt so schnell; sonst fp32. bf16 erzwingt diesen Weg; fp16 und bf16-storage halbieren den Speicher der Gewichte. Mit CUDA: die Rechengenauigkeit. Der Take hält fest, was lief und warum.</translation>
    </message>
    <message>
        <source>Cannot recall this take: %1</source>
        <translation>Die Einstellungen dieses Takes können nicht übernommen werden: %1</translation>
    </message>
    <message>
        <source>Vary from audio</source>
        <translation>Variation aus Audio</translation>
    </message>
    <message>
        <source>none: drop a WAV or FLAC on the window</source>
        <translation>keines: WAV oder FLAC auf das Fenster ziehen</translation>
    </message>
    <message>
        <source>Choose a WAV or FLAC file to vary</source>
        <translation>WAV- oder FLAC-Datei zum Variieren wählen</translation>
    </message>
    <message>
        <source>Choose audio to vary</source>
        <translation>Audio zum Variieren wählen</translation>
    </message>
    <message>
        <source>Audio (*.wav *.flac);;All files (*)</source>
        <translation>Audio (*.wav *.flac);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Remove the init audio: generate from noise again</source>
        <translation>Init-Audio entfernen: wieder aus Rauschen erzeugen</translation>
    </message>
    <message>
        <source>&amp;Init audio</source>
        <translation>&amp;Init-Audio</translation>
    </message>
    <message>
        <source>&amp;Noise</source>
        <translation>&amp;Rauschen</translation>
    </message>
    <message>
        <source>Cannot use %1 as init audio: the file does not exist.</source>
        <translation>%1 kann nicht als Init-Audio dienen: die Datei existiert nicht.</translation>
    </message>
    <message>
        <source>Cannot use %1 as init audio: it is a folder, not a WAV or FLAC file.</source>
        <translation>%1 kann nicht als Init-Audio dienen: es ist ein Ordner, keine WAV- oder FLAC-Datei.</translation>
    </message>
    <message>
        <source>Cannot use %1 as init audio: it is not a WAV or FLAC file.</source>
        <translation>%1 kann nicht als Init-Audio dienen: es ist keine WAV- oder FLAC-Datei.</translation>
    </message>
    <message>
        <source>Cannot use %1 as init audio: it holds no samples.</source>
        <translation>%1 kann nicht als Init-Audio dienen: die Datei enthält keine Samples.</translation>
    </message>
    <message>
        <source>Drop a WAV or FLAC file on the window, choose one with …, or use Take ▸ Vary from this take</source>
        <translation>Eine WAV- oder FLAC-Datei auf das Fenster ziehen, mit … wählen oder Take ▸ Von diesem Take variieren nutzen</translation>
    </message>
    <message>
        <source>Init audio needs Stable Audio Open: the procedural engine cannot vary audio. Choose the Stable Audio Open engine and a model folder.</source>
        <translation>Init-Audio braucht Stable Audio Open: die prozedurale Engine kann kein Audio variieren. Die Engine Stable Audio Open und einen Modellordner wählen.</translation>
    </message>
    <message>
        <source>The file is missing</source>
        <translation>Die Datei fehlt</translation>
    </message>
    <message>
        <source>%1 does not exist (any more): generating would fail.</source>
        <translation>%1 existiert nicht (mehr): die Erzeugung würde fehlschlagen.</translation>
    </message>
    <message>
        <source>How far the variation may move from the init audio: sampling starts at this noise level instead of pure noise. Low values stay close to it; SAO 1.0 all but ignores it at 500, rectified-flow models (SAO small) at 1.</source>
        <translation>Wie weit sich die Variation vom Init-Audio entfernen darf: die Abtastung beginnt bei diesem Rauschpegel statt bei reinem Rauschen. Kleine Werte bleiben nah daran; SAO 1.0 ignoriert es bei 500 so gut wie ganz, Rectified-Flow-Modelle (SAO small) bei 1.</translation>
    </message>
    <message>
        <source>The procedural engine cannot vary audio</source>
        <translation>Die prozedurale Engine kann kein Audio variieren</translation>
    </message>
</context>
<context>
    <name>footfall::ui::GenerationWorker</name>
    <message>
        <source>Loading %1 engine…</source>
        <translation>Lade Engine %1…</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>Erzeugung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Generation failed for an unknown reason.</source>
        <translation>Erzeugung aus unbekanntem Grund fehlgeschlagen.</translation>
    </message>
</context>
<context>
    <name>footfall::ui::GoniometerWidget</name>
    <message>
        <source>display gain ×%1</source>
        <translation>Anzeigeverstärkung ×%1</translation>
    </message>
</context>
<context>
    <name>footfall::ui::LoraListWidget</name>
    <message>
        <source>Add LoRA…</source>
        <translation>LoRA hinzufügen…</translation>
    </message>
    <message>
        <source>Add a LoRA (.safetensors or .ckpt as LoRAW writes it)</source>
        <translation>Ein LoRA hinzufügen (.safetensors oder .ckpt, wie LoRAW es schreibt)</translation>
    </message>
    <message>
        <source>Choose LoRA files</source>
        <translation>LoRA-Dateien wählen</translation>
    </message>
    <message>
        <source>LoRA (*.safetensors *.ckpt);;All files (*)</source>
        <translation>LoRA (*.safetensors *.ckpt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Strength of %1</source>
        <translation>Stärke von %1</translation>
    </message>
    <message>
        <source>cfg</source>
        <translation>cfg</translation>
    </message>
    <message>
        <source>No LoRAW config: the LoRA&apos;s own metadata decides its rank and targets. Click to choose a model_config.json with a &quot;lora&quot; section.</source>
        <translation>Keine LoRAW-Konfiguration: die Metadaten des LoRA bestimmen Rang und Ziele. Klicken, um eine model_config.json mit einem „lora“-Abschnitt zu wählen.</translation>
    </message>
    <message>
        <source>LoRAW config: %1 (click to change, right-click to clear)</source>
        <translation>LoRAW-Konfiguration: %1 (Klick ändert, Rechtsklick entfernt)</translation>
    </message>
    <message>
        <source>Choose the LoRAW config</source>
        <translation>LoRAW-Konfiguration wählen</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Remove this LoRA</source>
        <translation>Dieses LoRA entfernen</translation>
    </message>
    <message>
        <source>No LoRAW config</source>
        <translation>Keine LoRAW-Konfiguration</translation>
    </message>
    <message>
        <source>LoRAW config: %1</source>
        <translation>LoRAW-Konfiguration: %1</translation>
    </message>
    <message>
        <source>Gradio-compatible strength (strength²)</source>
        <translation>Gradio-kompatible Stärke (Stärke²)</translation>
    </message>
    <message>
        <source>Apply the strength as LoRAW&apos;s Gradio UI does: the LoRA is scaled by strength squared and alpha/rank is not applied. Use it to match takes made there. Off: training-faithful (strength × alpha/rank, as the LoRA was trained).</source>
        <translation>Stärke wie die Gradio-Oberfläche von LoRAW anwenden: das LoRA wird mit dem Quadrat der Stärke skaliert, alpha/rank entfällt. Für Takes, die dort entstanden sind. Aus: trainingstreu (Stärke × alpha/rank, wie das LoRA trainiert wurde).</translation>
    </message>
    <message>
        <source>DoRA: ignore magnitude (LoRAW Gradio)</source>
        <translation>DoRA: Magnitude ignorieren (LoRAW-Gradio)</translation>
    </message>
    <message>
        <source>Implied by Gradio-compatible strength: DoRA magnitudes are ignored.</source>
        <translation>Durch die Gradio-kompatible Stärke vorgegeben: DoRA-Magnituden werden ignoriert.</translation>
    </message>
    <message>
        <source>For DoRA files only: ignore the magnitude vectors, as LoRAW&apos;s Gradio UI does. Off: training-faithful (the magnitudes rescale each row). Plain LoRA files are not affected.</source>
        <translation>Nur für DoRA-Dateien: die Magnitudenvektoren ignorieren, wie die Gradio-Oberfläche von LoRAW. Aus: trainingstreu (die Magnituden skalieren jede Zeile). Gewöhnliche LoRA-Dateien sind nicht betroffen.</translation>
    </message>
    <message>
        <source>Merge options (training-faithful; right-click the row for the same menu)</source>
        <translation>Anwendungsoptionen (trainingstreu; Rechtsklick auf die Zeile öffnet dasselbe Menü)</translation>
    </message>
    <message>
        <source>Merge options: %1</source>
        <translation>Anwendungsoptionen: %1</translation>
    </message>
</context>
<context>
    <name>footfall::ui::MainWindow</name>
    <message>
        <source>Footfall</source>
        <translation>Footfall</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ Abspielen</translation>
    </message>
    <message>
        <source>Play / stop (Space)</source>
        <translation>Abspielen / Stopp (Leertaste)</translation>
    </message>
    <message>
        <source>⟲ Loop</source>
        <translation>⟲ Schleife</translation>
    </message>
    <message>
        <source>Loop playback (L)</source>
        <translation>Wiedergabe in Schleife (L)</translation>
    </message>
    <message>
        <source>Spectrogram</source>
        <translation>Spektrogramm</translation>
    </message>
    <message>
        <source>Show the spectrogram instead of the waveform (S)</source>
        <translation>Spektrogramm statt Wellenform zeigen (S)</translation>
    </message>
    <message>
        <source>Log Hz</source>
        <translation>Log. Hz</translation>
    </message>
    <message>
        <source>Linear Hz</source>
        <translation>Lin. Hz</translation>
    </message>
    <message>
        <source>Frequency axis of the spectrogram</source>
        <translation>Frequenzachse des Spektrogramms</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Auto</translation>
    </message>
    <message>
        <source>Play a take as soon as it is selected (Up/Down to move)</source>
        <translation>Take abspielen, sobald er ausgewählt ist (Auf/Ab zum Wechseln)</translation>
    </message>
    <message>
        <source>As generated</source>
        <translation>Wie erzeugt</translation>
    </message>
    <message>
        <source>Match −23 LUFS</source>
        <translation>Auf −23 LUFS</translation>
    </message>
    <message>
        <source>Match quietest</source>
        <translation>Auf den leisesten</translation>
    </message>
    <message>
        <source>Loudness-matched audition: a playback gain only, files are untouched</source>
        <translation>Lautheitsangeglichenes Vorhören: nur eine Wiedergabeverstärkung, die Dateien bleiben unverändert</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Pegel</translation>
    </message>
    <message>
        <source>Put the selected take in slot A (Shift+A)</source>
        <translation>Ausgewählten Take in Platz A legen (Umschalt+A)</translation>
    </message>
    <message>
        <source>Put the selected take in slot B (Shift+B)</source>
        <translation>Ausgewählten Take in Platz B legen (Umschalt+B)</translation>
    </message>
    <message>
        <source>A⇄B</source>
        <translation>A⇄B</translation>
    </message>
    <message>
        <source>Switch between A and B at the same position (T)</source>
        <translation>Zwischen A und B an derselben Stelle wechseln (T)</translation>
    </message>
    <message>
        <source>Stereo image</source>
        <translation>Stereobild</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Erzeugen</translation>
    </message>
    <message>
        <source>Generate / queue</source>
        <translation>Erzeugen / einreihen</translation>
    </message>
    <message>
        <source>Cancel and clear queue</source>
        <translation>Abbrechen und Warteschlange leeren</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>&amp;Take</source>
        <translation>&amp;Take</translation>
    </message>
    <message>
        <source>Play / stop</source>
        <translation>Abspielen / Stopp</translation>
    </message>
    <message>
        <source>Loop</source>
        <translation>Schleife</translation>
    </message>
    <message>
        <source>Waveform / spectrogram</source>
        <translation>Wellenform / Spektrogramm</translation>
    </message>
    <message>
        <source>Put in slot A</source>
        <translation>In Platz A legen</translation>
    </message>
    <message>
        <source>Put in slot B</source>
        <translation>In Platz B legen</translation>
    </message>
    <message>
        <source>Switch A/B</source>
        <translation>A/B wechseln</translation>
    </message>
    <message>
        <source>Recall settings</source>
        <translation>Einstellungen übernehmen</translation>
    </message>
    <message>
        <source>Vary (same settings, new seed)</source>
        <translation>Variieren (gleiche Einstellungen, neuer Seed)</translation>
    </message>
    <message>
        <source>Render final</source>
        <translation>Final rendern</translation>
    </message>
    <message>
        <source>Render this draft at full quality: the same seed and settings with the steps and sampler it stands for</source>
        <translation>Diesen Entwurf in voller Qualität rendern: derselbe Seed, dieselben Einstellungen, mit den Schritten und dem Sampler, für die er steht</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Favourite</source>
        <translation>Favorit</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>Bewertung</translation>
    </message>
    <message>
        <source>No rating</source>
        <translation>Keine Bewertung</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>Aus der Liste entfernen</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ Stopp</translation>
    </message>
    <message>
        <source>Boost limited so the peak stays below 0 dBFS</source>
        <translation>Anhebung begrenzt, damit die Spitze unter 0 dBFS bleibt</translation>
    </message>
    <message>
        <source>  ▸ A</source>
        <translation>  ▸ A</translation>
    </message>
    <message>
        <source>  ▸ B</source>
        <translation>  ▸ B</translation>
    </message>
    <message>
        <source>Put one take in slot A (Shift+A) and one in B (Shift+B) first</source>
        <translation>Erst einen Take in Platz A (Umschalt+A) und einen in B (Umschalt+B) legen</translation>
    </message>
    <message>
        <source>Queued: %1</source>
        <translation>Eingereiht: %1</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Breche ab…</translation>
    </message>
    <message>
        <source>%1 %2 — failed: %3</source>
        <translation>%1 %2 — fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Generation failed</source>
        <translation>Erzeugung fehlgeschlagen</translation>
    </message>
    <message>
        <source>Settings of the take recalled (seed locked)</source>
        <translation>Einstellungen des Takes übernommen (Seed fest)</translation>
    </message>
    <message>
        <source>Cannot render this take: %1</source>
        <translation>Dieser Take kann nicht gerendert werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>Rendering the draft at full quality (%n steps)</source>
        <translation>
            <numerusform>Der Entwurf wird in voller Qualität gerendert (%n Schritt)</numerusform>
            <numerusform>Der Entwurf wird in voller Qualität gerendert (%n Schritte)</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot write the selection: %1</source>
        <translation>Die Auswahl kann nicht geschrieben werden: %1</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Waveform</source>
        <translation>Wellenform</translation>
    </message>
    <message>
        <source>Show the waveform (S toggles)</source>
        <translation>Wellenform zeigen (S schaltet um)</translation>
    </message>
    <message>
        <source>%1 %2 — cancelled, takes kept: %3</source>
        <translation>%1 %2 — abgebrochen, behaltene Takes: %3</translation>
    </message>
    <message>
        <source>%1 %2 (×%3)</source>
        <translation>%1 %2 (×%3)</translation>
    </message>
    <message>
        <source>1 prompt queued</source>
        <translation>1 Prompt eingereiht</translation>
    </message>
    <message numerus="yes">
        <source>%n prompts queued</source>
        <translation>
            <numerusform>%n Prompt eingereiht</numerusform>
            <numerusform>%n Prompts eingereiht</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled (1 take kept)</source>
        <translation>Abgebrochen (1 Take behalten)</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled (%n takes kept)</source>
        <translation>
            <numerusform>Abgebrochen (%n Take behalten)</numerusform>
            <numerusform>Abgebrochen (%n Takes behalten)</numerusform>
        </translation>
    </message>
    <message>
        <source>Done: 1 take</source>
        <translation>Fertig: 1 Take</translation>
    </message>
    <message numerus="yes">
        <source>Done: %n takes</source>
        <translation>
            <numerusform>Fertig: %n Take</numerusform>
            <numerusform>Fertig: %n Takes</numerusform>
        </translation>
    </message>
    <message>
        <source>Exported 1 file to %1</source>
        <translation>1 Datei nach %1 exportiert</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n files to %1</source>
        <translation>
            <numerusform>%n Datei nach %1 exportiert</numerusform>
            <numerusform>%n Dateien nach %1 exportiert</numerusform>
        </translation>
    </message>
    <message>
        <source>Preferences…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>Preferences saved: a new language applies from the next start</source>
        <translation>Einstellungen gespeichert: eine neue Sprache gilt ab dem nächsten Start</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Vary from this take (as init audio)</source>
        <translation>Von diesem Take variieren (als Init-Audio)</translation>
    </message>
    <message>
        <source>Cannot vary %1: the file is gone.</source>
        <translation>%1 kann nicht variiert werden: die Datei ist nicht mehr da.</translation>
    </message>
    <message>
        <source>Varying %1: set the noise level, then Generate</source>
        <translation>Variation von %1: Rauschpegel einstellen, dann Erzeugen</translation>
    </message>
    <message>
        <source>Init audio: %1 (the next generation varies it)</source>
        <translation>Init-Audio: %1 (die nächste Erzeugung variiert es)</translation>
    </message>
    <message numerus="yes">
        <source>Init audio: %1 (the first of %n dropped files)</source>
        <translation>
            <numerusform>Init-Audio: %1 (die erste von %n abgelegten Dateien)</numerusform>
            <numerusform>Init-Audio: %1 (die erste von %n abgelegten Dateien)</numerusform>
        </translation>
    </message>
    <message>
        <source>Open library folder…</source>
        <translation>Bibliotheksordner öffnen…</translation>
    </message>
    <message>
        <source>Add the takes of a folder rendered elsewhere (read from their sidecars) to the list, with their settings for recall</source>
        <translation>Die Takes eines anderswo erzeugten Ordners (aus ihren Sidecar-Dateien gelesen) mit ihren Einstellungen zum Übernehmen in die Liste aufnehmen</translation>
    </message>
    <message>
        <source>Open library folder</source>
        <translation>Bibliotheksordner öffnen</translation>
    </message>
    <message>
        <source>A library folder is still being read; try again when it is in the list.</source>
        <translation>Ein Bibliotheksordner wird noch gelesen; bitte erneut versuchen, wenn er in der Liste ist.</translation>
    </message>
    <message>
        <source>Reading library folder %1…</source>
        <translation>Lese Bibliotheksordner %1…</translation>
    </message>
    <message>
        <source>Cannot open the library folder: %1</source>
        <translation>Der Bibliotheksordner kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>Adding takes from %1: %2 to go</source>
        <translation>Takes aus %1 werden hinzugefügt: noch %2</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) added from %1</source>
        <translation>
            <numerusform>%n Take aus %1 hinzugefügt</numerusform>
            <numerusform>%n Takes aus %1 hinzugefügt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already in the list</source>
        <translation>
            <numerusform>%n schon in der Liste</numerusform>
            <numerusform>%n schon in der Liste</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be read</source>
        <translation>
            <numerusform>%n nicht lesbar</numerusform>
            <numerusform>%n nicht lesbar</numerusform>
        </translation>
    </message>
    <message>
        <source>Library folder</source>
        <translation>Bibliotheksordner</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) in %1 could not be read and were left out.</source>
        <translation>
            <numerusform>%n Take in %1 war nicht lesbar und wurde ausgelassen.</numerusform>
            <numerusform>%n Takes in %1 waren nicht lesbar und wurden ausgelassen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Retry save</source>
        <translation>Speichern wiederholen</translation>
    </message>
    <message>
        <source>Write the takes that could not be saved (marked ⚠ in the list) to the output folder</source>
        <translation>Die Takes, die nicht gespeichert werden konnten (in der Liste mit ⚠ markiert), in den Ausgabeordner schreiben</translation>
    </message>
    <message>
        <source>Unsaved takes</source>
        <translation>Nicht gespeicherte Takes</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) could not be saved and exist only in this window. Close anyway and lose them?</source>
        <translation>
            <numerusform>%n Take konnte nicht gespeichert werden und existiert nur in diesem Fenster. Trotzdem schließen und ihn verlieren?</numerusform>
            <numerusform>%n Takes konnten nicht gespeichert werden und existieren nur in diesem Fenster. Trotzdem schließen und sie verlieren?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1. %n take(s) not saved: they stay in the list (⚠) until the app is closed; make room, then Take ▸ Retry save.</source>
        <translation>
            <numerusform>%1. %n Take nicht gespeichert: er bleibt bis zum Schließen der App in der Liste (⚠); Platz schaffen, dann Take ▸ Speichern wiederholen.</numerusform>
            <numerusform>%1. %n Takes nicht gespeichert: sie bleiben bis zum Schließen der App in der Liste (⚠); Platz schaffen, dann Take ▸ Speichern wiederholen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>Nicht gespeichert</translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) still not saved: %1</source>
        <translation>
            <numerusform>%n Take immer noch nicht gespeichert: %1</numerusform>
            <numerusform>%n Takes immer noch nicht gespeichert: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) saved</source>
        <translation>
            <numerusform>%n Take gespeichert</numerusform>
            <numerusform>%n Takes gespeichert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n unfinished file(s) of an interrupted save from %1</source>
        <translation>
            <numerusform>%n unvollständige Datei eines abgebrochenen Speichervorgangs aus %1 entfernt</numerusform>
            <numerusform>%n unvollständige Dateien eines abgebrochenen Speichervorgangs aus %1 entfernt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) saved just before the app stopped were added back to the list</source>
        <translation>
            <numerusform>%n Take, der kurz vor dem Ende der App gespeichert wurde, ist wieder in der Liste</numerusform>
            <numerusform>%n Takes, die kurz vor dem Ende der App gespeichert wurden, sind wieder in der Liste</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n take(s) had lost their sidecar file: written again from the metadata in the audio file</source>
        <translation>
            <numerusform>%n Take hatte seine Sidecar-Datei verloren: aus den Metadaten in der Audiodatei neu geschrieben</numerusform>
            <numerusform>%n Takes hatten ihre Sidecar-Datei verloren: aus den Metadaten in der Audiodatei neu geschrieben</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saving %n take(s)…</source>
        <translation>
            <numerusform>%n Take wird gespeichert…</numerusform>
            <numerusform>%n Takes werden gespeichert…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>footfall::ui::MetadataPanel</name>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy all fields as text</source>
        <translation>Alle Felder als Text kopieren</translation>
    </message>
    <message>
        <source>Copy JSON</source>
        <translation>JSON kopieren</translation>
    </message>
    <message>
        <source>Copy the metadata dictionary as JSON</source>
        <translation>Die Metadaten als JSON kopieren</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstiges</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>Negativ-Prompt</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>Engine</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Success</source>
        <translation>Erfolg</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>Leistung</translation>
    </message>
    <message>
        <source>Time (s)</source>
        <translation>Zeit (s)</translation>
    </message>
    <message>
        <source>Time (min)</source>
        <translation>Zeit (min)</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Audio properties</source>
        <translation>Audio-Eigenschaften</translation>
    </message>
    <message>
        <source>Sample rate (Hz)</source>
        <translation>Abtastrate (Hz)</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Kanäle</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Samples</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Requested duration (s)</source>
        <translation>Gewünschte Dauer (s)</translation>
    </message>
    <message>
        <source>Duration (s)</source>
        <translation>Dauer (s)</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <source>Sample peak</source>
        <translation>Sample-Spitze</translation>
    </message>
    <message>
        <source>Peak (dBFS)</source>
        <translation>Spitze (dBFS)</translation>
    </message>
    <message>
        <source>RMS</source>
        <translation>RMS</translation>
    </message>
    <message>
        <source>RMS (dBFS)</source>
        <translation>RMS (dBFS)</translation>
    </message>
    <message>
        <source>RMS convention</source>
        <translation>RMS-Konvention</translation>
    </message>
    <message>
        <source>Loudness</source>
        <translation>Lautheit</translation>
    </message>
    <message>
        <source>Phase analysis</source>
        <translation>Phasenanalyse</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>CFG scale</source>
        <translation>CFG-Skala</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>Sampler</translation>
    </message>
    <message>
        <source>LoRAs</source>
        <translation>LoRAs</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>Checkpoint</translation>
    </message>
    <message>
        <source>Config</source>
        <translation>Konfiguration</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Engine details</source>
        <translation>Engine-Details</translation>
    </message>
</context>
<context>
    <name>footfall::ui::Player</name>
    <message>
        <source>No audio output: playing silently (playhead and meters only).</source>
        <translation>Keine Audioausgabe: stumme Wiedergabe (nur Abspielposition und Messgeräte).</translation>
    </message>
</context>
<context>
    <name>footfall::ui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>The language changes the next time Footfall starts. %1 overrides it for one run.</source>
        <translation>Die Sprache wechselt beim nächsten Start von Footfall. %1 hat für einen Start Vorrang.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>footfall::ui::PromptBuilder</name>
    <message>
        <source>Surface</source>
        <translation>Untergrund</translation>
    </message>
    <message>
        <source>Footwear</source>
        <translation>Schuhwerk</translation>
    </message>
    <message>
        <source>Gait</source>
        <translation>Gangart</translation>
    </message>
    <message>
        <source>Pace</source>
        <translation>Tempo</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Gewicht</translation>
    </message>
    <message>
        <source>Wet/dry</source>
        <translation>Nass/trocken</translation>
    </message>
    <message>
        <source>Perspective</source>
        <translation>Perspektive</translation>
    </message>
    <message>
        <source>any</source>
        <translation>beliebig</translation>
    </message>
</context>
<context>
    <name>footfall::ui::TakeListModel</name>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>Engine</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Länge</translation>
    </message>
    <message>
        <source>Corr.</source>
        <translation>Korr.</translation>
    </message>
    <message>
        <source>proc</source>
        <translation>proz</translation>
    </message>
    <message>
        <source>Rating, 0–5 stars (keys 0–5)</source>
        <translation>Bewertung, 0–5 Sterne (Tasten 0–5)</translation>
    </message>
    <message>
        <source>Engine: proc = procedural, SAO = Stable Audio Open</source>
        <translation>Engine: proz = prozedural, SAO = Stable Audio Open</translation>
    </message>
    <message>
        <source>Loudness in LUFS: integrated, else over the whole take, else max momentary</source>
        <translation>Lautheit in LUFS: integriert, sonst über den ganzen Take, sonst maximal momentan</translation>
    </message>
    <message>
        <source>Phase correlation of the whole take (−1 … +1)</source>
        <translation>Phasenkorrelation des ganzen Takes (−1 … +1)</translation>
    </message>
    <message>
        <source>LUFS</source>
        <translation>LUFS</translation>
    </message>
    <message>
        <source>%1 of 5 stars</source>
        <translation>%1 von 5 Sternen</translation>
    </message>
    <message>
        <source>Not rated</source>
        <translation>Nicht bewertet</translation>
    </message>
    <message>
        <source>Click a star to rate, the same star again to clear (keys 0–5)</source>
        <translation>Klick auf einen Stern bewertet, derselbe Stern noch einmal löscht (Tasten 0–5)</translation>
    </message>
    <message>
        <source>Draft: Take ▸ Render final renders it at full quality</source>
        <translation>Entwurf: Take ▸ Final rendern rendert ihn in voller Qualität</translation>
    </message>
    <message>
        <source>Varied from %1 (noise level %2)</source>
        <translation>Variiert aus %1 (Rauschpegel %2)</translation>
    </message>
    <message>
        <source>Not saved: %1
Take ▸ Retry save writes it once there is room.</source>
        <translation>Nicht gespeichert: %1
Take ▸ Speichern wiederholen schreibt ihn, sobald Platz ist.</translation>
    </message>
</context>
<context>
    <name>footfall::ui::WaveformView</name>
    <message>
        <source>Click: move the playhead · Drag: select · Drag the selection (or Alt+drag): drag out to a DAW · Ctrl+wheel or +/−: zoom · wheel: scroll · Esc: clear</source>
        <translation>Klick: Abspielposition setzen · Ziehen: auswählen · Auswahl ziehen (oder Alt+Ziehen): in eine DAW ziehen · Strg+Rad oder +/−: zoomen · Rad: scrollen · Esc: Auswahl aufheben</translation>
    </message>
    <message>
        <source>Loading the take…</source>
        <translation>Lade den Take…</translation>
    </message>
    <message>
        <source>No take selected</source>
        <translation>Kein Take ausgewählt</translation>
    </message>
    <message>
        <source>   selection %1–%2 s</source>
        <translation>   Auswahl %1–%2 s</translation>
    </message>
    <message>
        <source>No spectrogram for this take</source>
        <translation>Kein Spektrogramm für diesen Take</translation>
    </message>
    <message>
        <source>Hz (log)</source>
        <translation>Hz (log.)</translation>
    </message>
    <message>
        <source>Hz (linear)</source>
        <translation>Hz (linear)</translation>
    </message>
</context>
</TS>
