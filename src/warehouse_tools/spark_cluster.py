#!/usr/bin/env python3
"""A real Spark cluster endpoint on 127.0.0.1, from the pinned pip pyspark (docs/engines.md).

    warehouse spark-cluster start   # prints `export SPARK_REMOTE=sc://127.0.0.1:<port>`
    warehouse spark-cluster stop    # stops the three processes by the ids it recorded

Three JVMs, each its own process: a standalone master, one worker (its executors run the Python
UDFs with this project's interpreter and src/ on their path) and a Spark Connect server whose
driver is a client of the master. dbt and build_on_engine.py reach it through Spark Connect
(SPARK_REMOTE), as they would reach a remote cluster. Tables, the Derby metastore and the logs stay
under SPARK_WORK_DIR/cluster. Ports: SPARK_MASTER_PORT (7177) and SPARK_CONNECT_PORT (15102);
`free_port()` gives tests unused ones.

The process ids are written to SPARK_WORK_DIR/cluster/pids; `stop` (and the context manager
`running_cluster`, also when its body fails) terminates exactly those processes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warehouse_tools.project import ROOT
DEFAULT_WORK_DIR = "/tmp/customer_warehouse_spark"
HOST = "127.0.0.1"
CONNECT_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"


class ClusterError(RuntimeError):
    """A cluster process did not start; the message names it and carries its log's last lines."""


@dataclass
class Cluster:
    work_dir: Path
    master_port: int
    connect_port: int
    pids: dict[str, int]

    @property
    def remote(self) -> str:
        return f"sc://{HOST}:{self.connect_port}"

    @property
    def warehouse_dir(self) -> Path:
        return self.work_dir / "warehouse"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def _wait_for_port(port: int, name: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ClusterError(f"{name} exited with {process.returncode}:\n{_tail(log)}")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.5)
    raise ClusterError(f"{name} did not listen on {HOST}:{port} within {timeout:.0f} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else "(no log)"


def _launch(name: str, command: list[str], cluster_dir: Path, env: dict[str, str]) -> tuple[subprocess.Popen, Path]:
    log = cluster_dir / f"{name}.log"
    with log.open("wb") as out:
        # its own process group: stop() ends the JVM and anything it started, nothing else
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cluster_dir,
                                   start_new_session=True)
    return process, log


def start(work_dir: Path, master_port: int, connect_port: int, worker_cores: int = 2,
          worker_memory: str = "2g", driver_memory: str = "2g", timeout: float = 180) -> Cluster:
    """Starts master, worker and Connect server; returns when the Connect port accepts connections."""
    work_dir = work_dir.resolve()
    cluster_dir = work_dir / "cluster"
    cluster_dir.mkdir(parents=True, exist_ok=True)
    home = spark_home()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": HOST, "SPARK_LOG_DIR": str(cluster_dir),
           "SPARK_WORKER_DIR": str(cluster_dir / "worker"), "PYSPARK_PYTHON": sys.executable,
           "SPARK_NO_DAEMONIZE": "1"}
    env.pop("SPARK_REMOTE", None)
    env.pop("SPARK_CONNECT_MODE_ENABLED", None)
    log4j = f"-Dlog4j2.configurationFile={ROOT / 'config' / 'spark-log4j2.properties'}"
    cluster = Cluster(work_dir, master_port, connect_port, {})
    processes: list[subprocess.Popen] = []
    try:
        master_ui, worker_port, worker_ui = free_port(), free_port(), free_port()
        master, log = _launch("master", [str(home / "bin" / "spark-class"), "org.apache.spark.deploy.master.Master",
                                         "--host", HOST, "--port", str(master_port), "--webui-port", str(master_ui)],
                              cluster_dir, env)
        processes.append(master)
        cluster.pids["master"] = master.pid
        _write_pids(cluster)
        _wait_for_port(master_port, "Spark master", master, log, timeout)

        worker, log = _launch("worker", [str(home / "bin" / "spark-class"), "org.apache.spark.deploy.worker.Worker",
                                         f"spark://{HOST}:{master_port}", "--host", HOST, "--port", str(worker_port),
                                         "--webui-port", str(worker_ui), "--cores", str(worker_cores),
                                         "--memory", worker_memory, "--work-dir", str(cluster_dir / "worker")],
                              cluster_dir, env)
        processes.append(worker)
        cluster.pids["worker"] = worker.pid
        _write_pids(cluster)
        _wait_for_port(worker_port, "Spark worker", worker, log, timeout)

        derby = f"-Dderby.system.home={work_dir} -Dderby.stream.error.file={work_dir}/derby.log"
        confs = {
            "spark.connect.grpc.binding.address": HOST,
            "spark.connect.grpc.binding.port": str(connect_port),
            "spark.driver.host": HOST,
            "spark.driver.bindAddress": HOST,
            "spark.driver.memory": driver_memory,
            "spark.executor.memory": worker_memory,
            "spark.executor.cores": str(worker_cores),
            "spark.sql.catalogImplementation": "hive",
            "spark.sql.warehouse.dir": str(cluster.warehouse_dir),
            "spark.hadoop.javax.jdo.option.ConnectionURL":
                f"jdbc:derby:;databaseName={work_dir}/metastore_db;create=true",
            "spark.driver.extraJavaOptions": f"{derby} {log4j}",
            "spark.executor.extraJavaOptions": log4j,
            # the executors' Python workers: this interpreter, where make install put the numerics package
            "spark.pyspark.python": sys.executable,
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.shuffle.partitions": "4",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
        }
        command = [str(home / "bin" / "spark-submit"), "--master", f"spark://{HOST}:{master_port}",
                   "--class", CONNECT_CLASS, "--name", "customer_warehouse_connect"]
        for key, value in confs.items():
            command += ["--conf", f"{key}={value}"]
        command.append(str(next((home / "jars").glob("spark-connect_*.jar"))))
        server, log = _launch("connect", command, cluster_dir, env)
        processes.append(server)
        cluster.pids["connect"] = server.pid
        _write_pids(cluster)
        _wait_for_port(connect_port, "Spark Connect server", server, log, timeout)
    except BaseException:
        stop(cluster)
        raise
    return cluster


def _write_pids(cluster: Cluster) -> None:
    lines = [f"{name} {pid}" for name, pid in cluster.pids.items()]
    lines.append(f"ports {cluster.master_port} {cluster.connect_port}")
    (cluster.work_dir / "cluster" / "pids").write_text("\n".join(lines) + "\n")


def stop(cluster: Cluster, grace: float = 20) -> None:
    """Terminates the cluster's processes (each process group it started), the server first; then kills
    what still runs after `grace` seconds."""
    for name in ("connect", "worker", "master"):
        pid = cluster.pids.get(name)
        if pid is None:
            continue
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.1)
    pid_file = cluster.work_dir / "cluster" / "pids"
    pid_file.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished == pid:
            return False
    except ChildProcessError:
        pass  # not our child (stop from another process): ask the OS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def read_cluster(work_dir: Path) -> Cluster:
    pid_file = work_dir.resolve() / "cluster" / "pids"
    if not pid_file.exists():
        raise ClusterError(f"{pid_file}: no cluster recorded (start one with `warehouse spark-cluster start`)")
    pids, ports = {}, (0, 0)
    for line in pid_file.read_text().splitlines():
        name, *values = line.split()
        if name == "ports":
            ports = (int(values[0]), int(values[1]))
        else:
            pids[name] = int(values[0])
    return Cluster(work_dir.resolve(), ports[0], ports[1], pids)


@contextlib.contextmanager
def running_cluster(work_dir: Path, master_port: int | None = None, connect_port: int | None = None,
                    **options) -> Iterator[Cluster]:
    """A started cluster for the body; stopped afterwards, also when the body raises."""
    cluster = start(work_dir, master_port or free_port(), connect_port or free_port(), **options)
    try:
        yield cluster
    finally:
        stop(cluster)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("start", "stop"))
    args = parser.parse_args(argv)
    work_dir = Path(os.environ.get("SPARK_WORK_DIR", DEFAULT_WORK_DIR))
    try:
        if args.action == "start":
            cluster = start(work_dir, int(os.environ.get("SPARK_MASTER_PORT", "7177")),
                            int(os.environ.get("SPARK_CONNECT_PORT", "15102")))
            print(f"export SPARK_REMOTE={cluster.remote}")
            print(f"# pids {cluster.pids}; logs in {work_dir}/cluster", file=sys.stderr)
        else:
            stop(read_cluster(work_dir))
    except ClusterError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
