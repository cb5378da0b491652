"""What both benches do around each build so that they time the build and not the machine.

Deleting a built site slows the next one down on ext4 without a journal (these machines): for six minutes the
allocator skips freed inodes whose table block it has written to since, so creating files can take several times
as long. The benches delete their outputs through `delete`, which notes the time in the work folder, and call
`wait_until_reusable` before timing anything."""
import os, shutil, subprocess, sys, time

RECENT_SECONDS = 365  # RECENTCY_MIN 60 + RECENTCY_DIRTY 300 in fs/ext4/ialloc.c, and a little more


def delete(work, paths):
    """Removes folders and files, noting when if there were any."""
    removed = False
    for path in paths:
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
            removed = True
        elif os.path.exists(path):
            os.remove(path)
            removed = True
    if removed:
        with open(os.path.join(work, ".deleted-at"), "w") as f:
            f.write(str(time.time()))


def wait_until_reusable(work):
    """Sleeps until outputs deleted by an earlier run no longer slow file creation."""
    try:
        with open(os.path.join(work, ".deleted-at")) as f:
            left = float(f.read()) + RECENT_SECONDS - time.time()
    except (OSError, ValueError):
        return
    if left > 0:
        print(f"waiting {left:.0f} s: outputs deleted less than six minutes ago slow file creation on ext4", flush=True)
        time.sleep(left)


def timed(cmd):
    """Runs cmd under /usr/bin/time; returns (wall s, cpu s, peak MB). The files earlier runs wrote go to disk first,
    untimed: otherwise the kernel writes them back while this one runs, and it is charged for its predecessor's output."""
    os.sync()
    out = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M"] + cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr[-3000:]}")
    wall, user, system, kb = out.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(kb) / 1024


def floor_program(work):
    """Compiles scripts/write-floor.c into the work folder; None without a C compiler."""
    if not shutil.which("cc"):
        return None
    program = os.path.join(work, "write-floor")
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "write-floor.c")
    subprocess.run(["cc", "-O2", "-pthread", "-o", program, source], check=True)
    return program


def floor(program, built, copy):
    """(wall s, cpu s) of writing a copy of the built site alone, after the files before it went to disk, as in `timed`."""
    os.sync()
    done = subprocess.run([program, built, copy], capture_output=True, text=True, check=True)
    wall, cpu = (float(x) for x in done.stdout.split())
    return wall, cpu
